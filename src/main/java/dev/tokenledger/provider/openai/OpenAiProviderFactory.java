package dev.tokenledger.provider.openai;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.ProviderOption;
import dev.tokenledger.provider.ProviderType;

/**
 * Type {@code openai}: any OpenAI-compatible server. A custom server is this type with its base URL, and a key and
 * extra headers when it wants them, and {@code options.responses-api: false} when it has no Responses API.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class OpenAiProviderFactory extends HttpProviderFactory {

    @Inject
    public OpenAiProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("openai", "https://api.openai.com/v1", "openai",
                ProviderOption.of(OpenAiProvider.RESPONSES_API, "true",
                        "Whether the server has OpenAI's Responses API at {base}/responses: Responses clients' "
                                + "requests then pass through there untouched but for the model; false translates "
                                + "them to chat completions")),
                OpenAiProvider::new);
    }
}
