package dev.tokenledger.provider.ollama;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.ProviderType;

/**
 * Type {@code ollama}: a local (or remote) Ollama through its native chat API. With the default base URL a local
 * model is one line of configuration: {@code tokenledger.providers.local.type=ollama}, then model
 * {@code local/llama3.2}. Its models are priced by the catalogue's {@code ollama} entry (free local inference).
 */
@Singleton // not proxied: the base class has no no-args constructor
public class OllamaProviderFactory extends HttpProviderFactory {

    @Inject
    public OllamaProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("ollama", "http://localhost:11434", "ollama"), OllamaProvider::new);
    }
}
