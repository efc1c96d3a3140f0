package dev.tokenledger.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** Rate limits, token quotas and budgets per key, team and organization (see README, "Limits and budgets"). */
    dev.tokenledger.admission.AdmissionConfig admission();

    /** Upstream stream handling. */
    Streaming streaming();

    /** Client authentication settings. */
    interface Auth {
        /**
         * Serve {@code /v1/*} without any client authentication. Only for local experiments; never in production.
         */
        @WithDefault("false")
        boolean disabled();
    }

    /** One upstream provider. */
    interface ProviderConfig {
        /** Provider type; see the README for the list. */
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
    }

    /** One model alias. */
    interface ModelConfig {
        /** The deployments that can serve this alias, in order of preference. */
        List<DeploymentConfig> deployments();
    }

    /** One deployment of a model alias. */
    interface DeploymentConfig {
        /** Id of a configured provider. */
        String provider();

        /** Upstream model name; the alias when absent. */
        Optional<String> model();
    }

    /** Virtual keys. */
    interface Keys {
        /**
         * Server-side secret mixed into the stored hash of every virtual key (keep it in a secret store; changing it
         * invalidates every key). When absent, the master key serves as the pepper.
         */
        Optional<String> pepper();

        /** How long a key lookup is cached on the request path (revocations elsewhere take effect after this). */
        @WithDefault("30s")
        Duration cacheTtl();
    }

    /** The usage ledger. */
    interface Ledger {
        /** Directory of the local spool that keeps ledger rows while PostgreSQL is unreachable. */
        @WithDefault("spool")
        String spoolDir();

        /**
         * Longest time a ledger row waits to be written in a batch. It bounds what a replica that crashes without a
         * shutdown (SIGKILL, out of memory) can lose; a graceful stop writes or spools everything.
         */
        @WithDefault("10ms")
        Duration flushInterval();

        /** Largest batch of ledger rows written at once. */
        @WithDefault("500")
        int batchSize();

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
        /** Largest request body accepted on the inference endpoints. */
        @WithDefault("10M")
        MemorySize maxBodySize();
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
}
