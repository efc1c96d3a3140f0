package dev.tokenledger.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/** Base of the providers that call one upstream over HTTP, configured by their {@link ProviderSettings}. */
public abstract class HttpProvider implements Provider {

    protected final ProviderSettings settings;
    protected final UpstreamHttp http;

    protected HttpProvider(ProviderSettings settings, UpstreamHttp http) {
        this.settings = settings;
        this.http = http;
    }

    @Override
    public String id() {
        return settings.id();
    }

    @Override
    public String type() {
        return settings.type();
    }

    @Override
    public String priceProvider() {
        return settings.priceProvider().orElse(settings.type());
    }

    /**
     * The headers of every request: a JSON body, the given {@code Accept}, the credentials, then the configured extra
     * headers, which win over the others.
     */
    protected Map<String, String> headers(String accept, Map<String, String> credentials) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", accept);
        headers.putAll(credentials);
        headers.putAll(settings.headers());
        return Map.copyOf(headers);
    }

    /** The headers with the call's {@code traceparent} added when it is traced; the same map when it is not. */
    protected static Map<String, String> traced(Map<String, String> headers, ChatCall call) {
        return traced(headers, call.traceparent());
    }

    /** The headers with a {@code traceparent} added; the same map when it is null (untraced). */
    protected static Map<String, String> traced(Map<String, String> headers, String traceparent) {
        if (traceparent == null) {
            return headers;
        }
        Map<String, String> traced = new LinkedHashMap<>(headers);
        traced.put("traceparent", traceparent);
        return traced;
    }

    /** Releases this provider's connection pool (a provider built for a credential that was removed). */
    public void close() {
        http.close();
    }

    /** The bearer header of a configured key, or none. */
    protected static Map<String, String> bearer(ProviderSettings settings) {
        return settings.apiKey().map(key -> Map.of("Authorization", "Bearer " + key)).orElse(Map.of());
    }

    /** A base URL without its trailing slash. */
    protected static String trimmed(String baseUrl) {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
}
