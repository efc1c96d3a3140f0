package dev.tokenledger.provider;

import io.vertx.core.Vertx;

/** Base of the factories of {@link HttpProvider}s: the type's name and default base URL, and a pooled HTTP client. */
public abstract class HttpProviderFactory implements ProviderFactory {

    private final Vertx vertx;
    private final String type;
    private final String defaultBaseUrl;

    /** @param defaultBaseUrl the base URL when the configuration names none, or null when the type requires one */
    protected HttpProviderFactory(Vertx vertx, String type, String defaultBaseUrl) {
        this.vertx = vertx;
        this.type = type;
        this.defaultBaseUrl = defaultBaseUrl;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** The configured base URL, else the type's default. */
    protected String baseUrl(ProviderSettings settings) {
        return settings.baseUrl().orElse(defaultBaseUrl);
    }

    /** A new HTTP client with its own connection pool for one provider. */
    protected UpstreamHttp http(ProviderSettings settings) {
        return new UpstreamHttp(vertx, settings);
    }
}
