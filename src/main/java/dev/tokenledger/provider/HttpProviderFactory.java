package dev.tokenledger.provider;

import io.vertx.core.Vertx;

/**
 * The one base of provider factories: the type's declaration and a pooled HTTP client per provider. A subclass is a
 * {@code @Singleton} bean that passes its {@link ProviderType} to this constructor and implements {@link #create}.
 */
public abstract non-sealed class HttpProviderFactory implements ProviderFactory {

    private final Vertx vertx;
    private final ProviderType type;

    protected HttpProviderFactory(Vertx vertx, ProviderType type) {
        this.vertx = vertx;
        this.type = type;
    }

    @Override
    public final ProviderType type() {
        return type;
    }

    /** The base URL of one provider: configured, else the type's default (the registry checks one exists). */
    protected String baseUrl(ProviderSettings settings) {
        return settings.baseUrl().or(type::defaultBaseUrl).orElseThrow();
    }

    /** A new HTTP client with its own connection pool for one provider. */
    protected UpstreamHttp http(ProviderSettings settings) {
        return new UpstreamHttp(vertx, settings);
    }
}
