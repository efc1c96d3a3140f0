package dev.tokenledger.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The whole gateway configuration under {@code tokenledger}. Configuration is the registry: providers and model
 * aliases are declared here and validated at start-up.
 */
@ConfigMapping(prefix = "tokenledger")
public interface GatewayConfig {

    /**
     * Bootstrap and administration key. Clients may present it as a bearer token; it also acts as the admin role.
     */
    Optional<String> masterKey();

    /** Client authentication. */
    AuthConfig auth();

    /**
     * The PostgreSQL and Redis the gateway starts for itself when none are configured, outside the {@code prod}
     * profile (see docs/embedded.md).
     */
    EmbeddedConfig embedded();

    /**
     * Upstream providers by id. The id is the user's choice and is what model aliases and {@code <id>/<model>} routes
     * refer to.
     */
    Map<String, ProviderConfig> providers();

    /** Model aliases: the names clients send, each with the deployments that serve it. */
    Map<String, ModelConfig> models();

    /**
     * Provider that serves a plain model name that is neither an alias nor {@code <provider>/<model>}. When no
     * providers are configured and the gateway creates one from environment variables, it becomes the default.
     */
    Optional<String> defaultProvider();

    /** Virtual keys. */
    KeysConfig keys();

    /** The usage ledger. */
    LedgerConfig ledger();

    /** The admin API. */
    AdminConfig admin();

    /** Request limits. */
    LimitsConfig limits();

    /** Rate limits, token quotas and budgets per key, team and organization (see docs/limits-and-budgets.md). */
    AdmissionConfig admission();

    /** Upstream stream handling. */
    StreamingConfig streaming();

    /** Retries, circuit breakers and cooldowns of deployments (see {@code dev.tokenledger.routing}). */
    RoutingConfig routing();

    /** The response cache (see {@code dev.tokenledger.cache}). */
    CacheConfig cache();

    /** Responses stored for the Responses API's {@code previous_response_id} (see docs/endpoints.md). */
    ResponsesConfig responses();

    /** Upstream credentials stored encrypted in the database, and account pools (see docs/credentials.md). */
    Credentials credentials();

    /** How admin changes reach every replica (see {@code dev.tokenledger.coherence}). */
    CoherenceConfig coherence();

    /** What the metrics label spend with, and how many label values they keep. */
    MetricsConfig metrics();

    /** OpenTelemetry traces: off until an endpoint is given. */
    TracingConfig tracing();

    /** Upstream credentials stored encrypted in the database. */
    interface Credentials {
        /**
         * Key-encryption key (base64 of 32 random bytes) with the id {@code default}, for a single key. Keep it in a
         * secret store (environment variable or Kubernetes Secret); it wraps every stored credential's data key.
         */
        Optional<String> kek();

        /** Key-encryption keys by id (base64 of 32 random bytes each): the active one and those being rotated out. */
        Map<String, String> keks();

        /**
         * Id of the key-encryption key that wraps new credentials and to which older rows are re-wrapped; by default
         * {@code default} when {@code kek} is set, else the only key of {@code keks}.
         */
        Optional<String> activeKek();

        /** Re-wrap, at start-up, every row whose data key is wrapped by another key than the active one. */
        @WithDefault("true")
        boolean rewrapAtStart();

        /** How often every replica re-reads the stored credentials, so that changes reach the pools without restart. */
        @WithDefault("30s")
        Duration reloadInterval();

        /** Refresh of credentials whose access token expires. */
        Refresh refresh();

        /** Logins (OAuth device and browser flows) started from the admin API. */
        Logins logins();

        /**
         * Device fingerprint headers by provider type, over the ones the type declares: header name to template
         * ({@code {machine-id}}, {@code {session-id}}, {@code {option:<name>}}); an empty template removes a header.
         */
        Map<String, Fingerprint> fingerprints();
    }

    /** When and how expiring tokens are refreshed. */
    interface Refresh {
        /** A token is refreshed this long before it expires, unless its issuer advised an earlier refresh. */
        @WithDefault("5m")
        Duration skew();

        /** How often each replica looks for tokens due for refresh (each round is jittered by up to 20 %). */
        @WithDefault("30s")
        Duration sweepInterval();

        /** How long one replica's refresh lock on a credential lasts at most (its fencing token outlives it). */
        @WithDefault("30s")
        Duration lockTtl();

        /** Attempts of one refresh while the token endpoint fails transiently (network, 5xx, 429). */
        @WithDefault("4")
        int maxAttempts();

        /** Wait before the second attempt; doubles per attempt, with jitter, up to ten times this. */
        @WithDefault("1s")
        Duration retryBackoff();

        /** Longest wait for a token, device-code or token-exchange endpoint. */
        @WithDefault("15s")
        Duration timeout();
    }

    /** Logins started from the admin API. */
    interface Logins {
        /** How often each replica looks at the pending device logins (each is polled at its own interval). */
        @WithDefault("1s")
        Duration pollTick();

        /** The lease by which one replica polls a device login; another takes over when it lapses. */
        @WithDefault("15s")
        Duration lease();

        /** Longest life of a login, whatever the server's {@code expires_in}. */
        @WithDefault("30m")
        Duration maxDuration();

        /** How long the outcome of an ended login stays readable. */
        @WithDefault("10m")
        Duration keepResult();

        /**
         * The gateway's public base URL, for the browser login's redirect URI
         * ({@code <public-url>/admin/v1/credentials/logins/callback}); by default the base URL the login was started at.
         */
        Optional<String> publicUrl();
    }

    /** The device fingerprint headers of one provider type. */
    interface Fingerprint {
        /** Header name to template. */
        Map<String, String> headers();
    }

}
