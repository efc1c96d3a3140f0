package dev.tokenledger.provider.openai;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderFactory;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;

/** Type {@code openai}: any OpenAI-compatible server. */
@ApplicationScoped
public class OpenAiProviderFactory implements ProviderFactory {

    private final Vertx vertx;

    @Inject
    public OpenAiProviderFactory(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public String type() {
        return "openai";
    }

    @Override
    public String defaultBaseUrl() {
        return "https://api.openai.com/v1";
    }

    @Override
    public Provider create(ProviderSettings settings) {
        return new OpenAiProvider(settings, settings.baseUrl().orElse(defaultBaseUrl()), new UpstreamHttp(vertx, settings));
    }
}
