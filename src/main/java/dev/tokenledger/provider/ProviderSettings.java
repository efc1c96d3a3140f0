package dev.tokenledger.provider;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved settings of one provider, from configuration or from environment variables.
 *
 * @param timeout longest wait for a complete answer or between two stream chunks
 * @param priceProvider the catalogue provider whose prices apply, when not the type's own
 * @param options settings only this provider type has, by name
 */
public record ProviderSettings(String id, String type, Optional<String> baseUrl, Optional<String> apiKey,
        Map<String, String> headers, Duration timeout, Duration connectTimeout, int maxConnections,
        Optional<String> priceProvider, Map<String, String> options) {

    public ProviderSettings {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** Settings without type-specific options. */
    public ProviderSettings(String id, String type, Optional<String> baseUrl, Optional<String> apiKey,
            Map<String, String> headers, Duration timeout, Duration connectTimeout, int maxConnections,
            Optional<String> priceProvider) {
        this(id, type, baseUrl, apiKey, headers, timeout, connectTimeout, maxConnections, priceProvider, Map.of());
    }

    /** These settings with another catalogue provider for prices, unless the configuration named one. */
    public ProviderSettings withDefaultPriceProvider(String catalogueProvider) {
        return new ProviderSettings(id, type, baseUrl, apiKey, headers, timeout, connectTimeout, maxConnections,
                priceProvider.or(() -> Optional.of(catalogueProvider)), options);
    }

    /**
     * Checks the type-specific options against the ones the type knows.
     *
     * @throws IllegalStateException naming the property when the configuration sets an option the type does not know
     */
    public void requireKnownOptions(java.util.Set<String> known) {
        for (String configured : new java.util.TreeSet<>(options.keySet())) {
            if (!known.contains(configured)) {
                throw new IllegalStateException("tokenledger.providers." + id + ".options." + configured
                        + ": unknown option for type '" + type + "'; valid options: " + new java.util.TreeSet<>(known));
            }
        }
    }

    /** A type-specific option, when configured. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }
}
