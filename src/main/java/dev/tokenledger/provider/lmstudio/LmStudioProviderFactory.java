package dev.tokenledger.provider.lmstudio;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.ProviderType;
import dev.tokenledger.provider.openai.OpenAiProvider;

/**
 * Type {@code lmstudio}: LM Studio's OpenAI-compatible server, by default at {@code http://localhost:1234/v1} with no
 * key. Its models are priced by the catalogue's {@code lmstudio} entry (free local inference).
 */
@Singleton // not proxied: the base class has no no-args constructor
public class LmStudioProviderFactory extends HttpProviderFactory {

    @Inject
    public LmStudioProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("lmstudio", "http://localhost:1234/v1", "lmstudio"), OpenAiProvider::new);
    }
}
