package dev.tokenledger.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** One upstream provider. */
public interface ProviderConfig {
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

    /** Largest number of pooled connections to this provider, shared out among the event loops' pools. */
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
