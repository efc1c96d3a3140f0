package dev.tokenledger.provider;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved settings of one provider, from configuration or from environment variables.
 *
 * @param timeout longest wait for a complete answer or between two stream chunks
 * @param priceProvider the catalogue provider whose prices apply, when not the type's own
 */
public record ProviderSettings(String id, String type, Optional<String> baseUrl, Optional<String> apiKey,
        Map<String, String> headers, Duration timeout, Duration connectTimeout, int maxConnections,
        Optional<String> priceProvider) {

    public ProviderSettings {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
