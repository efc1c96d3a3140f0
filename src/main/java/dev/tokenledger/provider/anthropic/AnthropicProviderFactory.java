package dev.tokenledger.provider.anthropic;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.ProviderType;

/** Type {@code anthropic}: Anthropic's Messages API or any Anthropic-compatible server. */
@Singleton // not proxied: the base class has no no-args constructor
public class AnthropicProviderFactory extends HttpProviderFactory {

    @Inject
    public AnthropicProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("anthropic", "https://api.anthropic.com", "anthropic"), AnthropicProvider::new);
    }
}
