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
    dev.tokenledger.admission.AdmissionConfig admission();

    /** Upstream stream handling. */
    Streaming streaming();

    /** Retries, circuit breakers and cooldowns of deployments (see {@code dev.tokenledger.routing}). */
    Routing routing();

    /** The response cache (see {@code dev.tokenledger.cache}). */
    Cache cache();

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
