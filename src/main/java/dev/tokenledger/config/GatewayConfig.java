package dev.tokenledger.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.quarkus.runtime.configuration.MemorySize;
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
    Auth auth();

    /**
     * The PostgreSQL and Redis the gateway starts for itself when none are configured, outside the {@code prod}
     * profile (see docs/embedded.md).
     */
    Embedded embedded();

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
    Keys keys();

    /** The usage ledger. */
    Ledger ledger();

    /** The admin API. */
    Admin admin();

    /** Request limits. */
    Limits limits();

    /** Rate limits, token quotas and budgets per key, team and organization (see docs/limits-and-budgets.md). */
    dev.tokenledger.config.AdmissionConfig admission();

    /** Upstream stream handling. */
    Streaming streaming();

    /** Retries, circuit breakers and cooldowns of deployments (see {@code dev.tokenledger.routing}). */
    Routing routing();

    /** The response cache (see {@code dev.tokenledger.cache}). */
    Cache cache();

    /** Upstream credentials stored encrypted in the database, and account pools (see docs/credentials.md). */
    Credentials credentials();

    /** How admin changes reach every replica (see {@code dev.tokenledger.coherence}). */
    Coherence coherence();

    /** What the metrics label spend with, and how many label values they keep. */
    Metrics metrics();

    /** OpenTelemetry traces: off until an endpoint is given. */
    Tracing tracing();

    /** Client authentication settings. */
    interface Auth {
        /**
         * Serve {@code /v1/*} without any client authentication. Only for local experiments; never in production.
         */
        @WithDefault("false")
        boolean disabled();
    }

    /** The services started when none are configured. */
    interface Embedded {
        /**
         * Directory of the embedded PostgreSQL's data (kept across restarts) and of the embedded Redis's working files
         * (its data stays in memory).
         */
        @WithDefault("data")
        String dataDir();
    }

    /** One upstream provider. */
    interface ProviderConfig {
        /** Provider type; docs/providers.md lists them. */
        String type();

        /** Base URL of the provider's API; the type's default when absent. */
        Optional<String> baseUrl();

        /** API key sent upstream; absent for providers that need none. */
        Optional<String> apiKey();

        /** Extra headers sent with every upstream request. */
        Map<String, String> headers();

        /** Longest time to wait for a complete answer, or between two chunks of a stream. */
        @WithDefault("60s")
        Duration timeout();

        /** Longest time to establish a connection. */
        @WithDefault("10s")
        Duration connectTimeout();

        /**
         * The catalogue provider whose prices apply to this provider's models; by default the provider type (e.g. a
         * server of type {@code openai} that serves local models can name {@code lmstudio}, whose models are free).
         */
        Optional<String> priceProvider();

        /** Largest number of pooled connections to this provider. */
        @WithDefault("256")
        int maxConnections();

        /**
         * Settings of the provider type that no other type has (e.g. {@code api-version} for {@code azure-openai});
         * docs/providers.md lists them per type. A type refuses an option it does not declare at start-up.
         */
        Map<String, String> options();

        /**
         * How requests are spread over the provider's pool of credentials (its configured key and its stored
         * credentials): {@code round-robin}, {@code fill-first} (the first usable one until it cools down) or
         * {@code least-used}.
         */
        @WithDefault("round-robin")
        String poolStrategy();
    }

    /** One model alias. */
    interface ModelConfig {
        /** The deployments that can serve this alias, in order of preference. */
        List<DeploymentConfig> deployments();

        /**
         * How a deployment is chosen: {@code fill-first} (by priority, then order), {@code round-robin},
         * {@code weighted}, {@code least-busy}, {@code lowest-latency} or {@code cost}.
         */
        @WithDefault("fill-first")
        String strategy();

        /** A request header whose value pins a client session to one deployment while it is healthy. */
        Optional<String> sessionAffinityHeader();

        /** Aliases tried in order when every deployment of this alias failed with an error worth retrying. */
        Optional<List<String>> fallbacks();

        /** Alias with a larger context window, tried when a deployment answers that the context is too long. */
        Optional<String> contextWindowFallback();

        /** Whether a content-policy refusal falls back to the next deployment (by default it is the answer). */
        @WithDefault("false")
        boolean fallbackOnContentPolicy();

        /** How long answers of this alias are cached; absent: not cached. */
        Optional<Duration> cacheTtl();

        /** Whether cached answers are shared by all teams; by default each team has its own. */
        @WithDefault("false")
        boolean cacheShared();
    }

    /** One deployment of a model alias. */
    interface DeploymentConfig {
        /** Id of a configured provider. */
        String provider();

        /** Upstream model name; the alias when absent. */
        Optional<String> model();

        /** Relative share of requests under the {@code weighted} strategy. */
        @WithDefault("1")
        int weight();

        /** Order under {@code fill-first}: lower values are used first. */
        @WithDefault("0")
        int priority();

        /** What the deployment supports: {@code tools}, {@code images}; absent: everything. */
        Optional<Set<String>> capabilities();

        /** Largest context (input plus output tokens) the deployment accepts; absent: unlimited. */
        OptionalLong contextWindow();

        /** Price per million input tokens for the {@code cost} strategy, overriding the catalogue. */
        Optional<BigDecimal> inputPricePerMtok();

        /** Price per million output tokens for the {@code cost} strategy, overriding the catalogue. */
        Optional<BigDecimal> outputPricePerMtok();
    }

    /** Per-deployment guards and cooldowns. */
    interface Routing {
        /**
         * Longest wait for one attempt: the whole answer, or a stream's first event (before anything is sent to the
         * client).
         */
        @WithDefault("60s")
        Duration attemptTimeout();

        /** Retries on the same deployment after a retryable error, before moving on. */
        @WithDefault("1")
        int maxRetries();

        /** First retry delay; doubled each retry, with jitter. */
        @WithDefault("200ms")
        Duration retryDelay();

        /**
         * Longest wait before a retry on the same deployment; a {@code Retry-After} above it moves on to the next
         * deployment at once.
         */
        @WithDefault("2s")
        Duration maxRetryDelay();

        /** Attempts in the breaker's rolling window before it may open. */
        @WithDefault("20")
        int breakerRequestVolume();

        /** Share of failed attempts in the window that opens the breaker. */
        @WithDefault("0.5")
        double breakerFailureRatio();

        /** How long an open breaker waits before letting a probe through (half-open). */
        @WithDefault("30s")
        Duration breakerDelay();

        /** Cooldowns of a deployment after a failure, shared by all replicas through Redis. */
        Cooldown cooldown();

        /** Longest wait for Redis on the request path before the local view is used. */
        @WithDefault("250ms")
        Duration redisTimeout();
    }

    /** How long a deployment is skipped after each kind of failure. */
    interface Cooldown {
        /** After 401 or 403: the credentials are wrong. */
        @WithDefault("10m")
        Duration auth();

        /** After 404: the model does not exist there. */
        @WithDefault("10m")
        Duration notFound();

        /** After 429 without {@code Retry-After}; doubled on each repeat within the maximum. */
        @WithDefault("5s")
        Duration rateLimited();

        /** Longest cooldown after 429s, {@code Retry-After} included. */
        @WithDefault("5m")
        Duration rateLimitedMax();

        /** After a 5xx, a timeout, a reset or a malformed answer. */
        @WithDefault("10s")
        Duration serverError();
    }

    /** The response cache. */
    interface Cache {
        /**
         * Cache only requests whose answer is (nearly) deterministic: temperature 0. A request may still opt in with
         * {@code x-tokenledger-cache: on}.
         */
        @WithDefault("true")
        boolean deterministicOnly();

        /** Largest answer stored. */
        @WithDefault("1M")
        MemorySize maxEntrySize();
    }

    /** Virtual keys. */
    interface Keys {
        /**
         * Server-side secret mixed into the stored hash of every virtual key (keep it in a secret store, apart from the
         * master key; changing it invalidates every key issued under it). Required to issue keys. Keys issued before it
         * was set were hashed with the master key (pepper version 1): they keep verifying with the master key until
         * they are rotated, and start-up warns while any is left.
         */
        Optional<String> pepper();

        /**
         * How long a key lookup is cached on the request path. Changes through the admin API reach every replica at
         * once over the change channel; this bounds staleness only when an announcement was lost.
         */
        @WithDefault("30s")
        Duration cacheTtl();

        /** Most keys whose lookups are cached; the least recently used are evicted beyond it. */
        @WithDefault("100000")
        int cacheSize();

        /**
         * How long a known key's last good lookup may still be used when PostgreSQL cannot be asked again (an outage):
         * the bound on how stale a key's state (revoked, disabled, allowed models) may be while the database is away.
         * Unknown keys are refused with 503 meanwhile. {@code 0s} turns serving stale lookups off.
         */
        @WithDefault("1h")
        Duration maxStale();

        /**
         * Most well-formed keys remembered as unknown (so that repeating a forged key costs no database lookup); the
         * least recently used are evicted beyond it.
         */
        @WithDefault("10000")
        int negativeCacheSize();

        /** How long a well-formed key is remembered as unknown (capped by {@code cache-ttl}). */
        @WithDefault("5s")
        Duration negativeCacheTtl();

        /** Longest wait for a key lookup in PostgreSQL before the database is taken as unavailable. */
        @WithDefault("2s")
        Duration lookupTimeout();
    }

    /** The usage ledger. */
    interface Ledger {
        /** Directory of the local spool that keeps ledger rows while PostgreSQL is unreachable. */
        @WithDefault("spool")
        String spoolDir();

        /**
         * How often the ledger writer checks for rows left waiting. Rows are written as they come (one insert at a
         * time, the rows that arrive meanwhile together in the next) and an answer completes only once its row is
         * durable; this timer is the safety net behind that.
         */
        @WithDefault("10ms")
        Duration flushInterval();

        /**
         * Whether an answer completes only once its ledger row is durable (written, or forced to the spool): a replica
         * that crashes then loses no answered request, at the cost of one group-committed insert on every answer. Off,
         * answers leave at once and a crash can lose the rows of the last moments before it.
         */
        @WithDefault("true")
        boolean answerWhenDurable();

        /** Largest batch of ledger rows written at once. */
        @WithDefault("500")
        int batchSize();

        /**
         * How long a stream's provisional ledger record may go without being touched by its replica (which touches it
         * every quarter of this while the stream runs) before it is taken as interrupted and billed at its estimate.
         */
        @WithDefault("2m")
        Duration provisionalStaleAfter();

        /** How often the price catalogue is reloaded from the database (other replicas' changes). */
        @WithDefault("30s")
        Duration priceRefresh();
    }

    /** The admin API. */
    interface Admin {
        /** Token claim listing the team ids a {@code viewer} may read. */
        @WithDefault("teams")
        String teamClaim();
    }

    /** Request limits. */
    interface Limits {
        /**
         * Largest request body accepted on the inference endpoints (token counting included); also the outer bound of
         * every endpoint ({@code quarkus.http.limits.max-body-size}).
         */
        @WithDefault("10M")
        MemorySize maxBodySize();

        /** Largest request body accepted on the admin API (price files included); at most {@link #maxBodySize()}. */
        @WithDefault("4M")
        MemorySize adminMaxBodySize();

        /**
         * How long a client may take to send its whole request body, from the moment its headers arrived. A body
         * still incomplete then is answered 408 and its connection closed: a trickled body cannot hold memory and a
         * connection for longer.
         */
        @WithDefault("60s")
        Duration bodyReadTimeout();
    }

    /** Upstream stream handling. */
    interface Streaming {
        /** Longest line accepted in an upstream stream. */
        @WithDefault("4M")
        MemorySize maxLineSize();

        /** Largest single event accepted in an upstream stream. */
        @WithDefault("16M")
        MemorySize maxEventSize();
    }

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

    /** How admin changes reach every replica. */
    interface Coherence {
        /**
         * Redis pub/sub channel of admin changes. Pub/sub ignores the Redis database index: installations that share a
         * Redis server need channels of their own.
         */
        @WithDefault("tokenledger:changes")
        String channel();

        /**
         * How often each replica checks that its subscription still delivers (it publishes a heartbeat it must receive
         * back); a silent subscription is replaced and everything reloaded.
         */
        @WithDefault("5s")
        Duration heartbeat();

        /** Longest wait for Redis when announcing a change or subscribing. */
        @WithDefault("2s")
        Duration timeout();
    }

    /** Traces, exported with OTLP (docs/operations.md "Traces"). */
    interface Tracing {
        /**
         * The OTLP endpoint traces go to, e.g. {@code http://otel-collector:4317} (gRPC); unset, tracing is off and costs
         * nothing per request. The protocol and headers are the {@code quarkus.otel.exporter.otlp.*} options.
         */
        Optional<String> endpoint();
    }

    /** The spend and budget metrics: their labels, and the bound on each label's values. */
    interface Metrics {
        /**
         * Labels of {@code tokenledger_spend_usd_total}, from {@code org}, {@code team}, {@code key}, {@code model}
         * (the alias the client named), {@code provider}; ids, never names or secrets.
         */
        @WithDefault("team,model")
        List<String> spendLabels();

        /**
         * Distinct values kept per label of the spend counter, and budget scopes with a gauge of their own; values past
         * the bound are counted as {@code other} (gauges past it are not registered).
         */
        @WithDefault("100")
        int maxLabelValues();
    }
}
