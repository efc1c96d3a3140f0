package dev.tokenledger.provider.gemini;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.ProviderType;

/** Type {@code gemini}: the Gemini API with an API key. Prices are Google's ({@code google} in the catalogue). */
@Singleton // not proxied: the base class has no no-args constructor
public class GeminiProviderFactory extends HttpProviderFactory {

    @Inject
    public GeminiProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("gemini", "https://generativelanguage.googleapis.com/v1beta", "google"),
                GeminiProvider::new);
    }
}
