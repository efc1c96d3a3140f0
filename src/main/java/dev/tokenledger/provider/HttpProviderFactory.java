package dev.tokenledger.provider;

import io.vertx.core.Vertx;

/**
 * The one base of provider factories: the type's declaration and a pooled HTTP client per provider. A subclass is a
 * {@code @Singleton} bean that passes its {@link ProviderType} to this constructor, and either its adapter's
 * constructor (an {@link Adapter}: settings, base URL and client are all it takes) or its own {@link #create}.
 */
public abstract non-sealed class HttpProviderFactory implements ProviderFactory {

    /** An adapter made of a provider's settings, its base URL and its pooled client, e.g. {@code AcmeProvider::new}. */
    @FunctionalInterface
    protected interface Adapter {
        Provider create(ProviderSettings settings, String baseUrl, UpstreamHttp http);
    }

    private final Vertx vertx;
    private final ProviderType type;
    private final Adapter adapter;

    /** A factory that implements {@link #create} itself. */
    protected HttpProviderFactory(Vertx vertx, ProviderType type) {
        this(vertx, type, null);
    }

    /** A factory whose providers are {@code adapter} at the configured base URL (else the type's default). */
    protected HttpProviderFactory(Vertx vertx, ProviderType type, Adapter adapter) {
        this.vertx = vertx;
        this.type = type;
        this.adapter = adapter;
    }

    @Override
    public final ProviderType type() {
        return type;
    }

    /** The adapter of the constructor at the provider's base URL; a factory constructed without one overrides this. */
    @Override
    public Provider create(ProviderSettings settings) {
        if (adapter == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " names no adapter and does not create one");
        }
        return adapter.create(settings, baseUrl(settings), http(settings));
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
