package dev.tokenledger.provider.anthropic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderFactory;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;

/** Type {@code anthropic}: Anthropic's Messages API or any Anthropic-compatible server. */
@ApplicationScoped
public class AnthropicProviderFactory implements ProviderFactory {

    private final Vertx vertx;

    @Inject
    public AnthropicProviderFactory(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public String type() {
        return "anthropic";
    }

    @Override
    public String defaultBaseUrl() {
        return "https://api.anthropic.com";
    }

    @Override
    public Provider create(ProviderSettings settings) {
        return new AnthropicProvider(settings, settings.baseUrl().orElse(defaultBaseUrl()),
                new UpstreamHttp(vertx, settings));
    }
}
