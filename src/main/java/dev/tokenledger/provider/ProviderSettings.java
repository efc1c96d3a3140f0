package dev.tokenledger.provider;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of one provider, from configuration or from environment variables. The registry resolves the price
 * provider and the declared option defaults before a factory sees them.
 *
 * @param timeout longest wait for a complete answer or between two stream chunks
 * @param priceProvider the catalogue provider whose prices apply: configured, else (through the registry) the type's
 *        declared default
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

    /** A type-specific option: configured, else the type's declared default, if any. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }
}
