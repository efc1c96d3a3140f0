package dev.tokenledger.provider.openai;

import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderSettings;

/**
 * Type {@code openai}: any OpenAI-compatible server. A custom server is this type with its base URL, and a key and
 * extra headers when it wants them.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class OpenAiProviderFactory extends HttpProviderFactory {

    @Inject
    public OpenAiProviderFactory(Vertx vertx) {
        super(vertx, "openai", "https://api.openai.com/v1");
    }

    @Override
    public Provider create(ProviderSettings settings) {
        settings.requireKnownOptions(Set.of());
        return new OpenAiProvider(settings, baseUrl(settings), http(settings));
    }
}
