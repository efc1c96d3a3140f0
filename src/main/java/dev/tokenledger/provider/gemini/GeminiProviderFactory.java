package dev.tokenledger.provider.gemini;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderFactory;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;

/** Type {@code gemini}: the Gemini API with an API key. Prices are Google's ({@code google} in the catalogue). */
@ApplicationScoped
public class GeminiProviderFactory implements ProviderFactory {

    private final Vertx vertx;

    @Inject
    public GeminiProviderFactory(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public String type() {
        return "gemini";
    }

    @Override
    public String defaultBaseUrl() {
        return "https://generativelanguage.googleapis.com/v1beta";
    }

    @Override
    public Provider create(ProviderSettings settings) {
        ProviderSettings priced = settings.withDefaultPriceProvider("google");
        return new GeminiProvider(priced, priced.baseUrl().orElse(defaultBaseUrl()), new UpstreamHttp(vertx, priced));
    }
}
