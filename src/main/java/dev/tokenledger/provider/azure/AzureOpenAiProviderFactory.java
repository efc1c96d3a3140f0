package dev.tokenledger.provider.azure;

import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.openai.OpenAiProvider;

/**
 * Type {@code azure-openai}: an Azure OpenAI (Azure AI Foundry) resource, in the OpenAI chat format. The base URL is
 * the resource's endpoint ({@code https://<resource>.openai.azure.com}); a deployment's upstream model is the Azure
 * deployment name. Options: {@code api-version} (default {@value AzureEndpoints#DEFAULT_API_VERSION}; {@code v1}
 * selects the v1 API) and {@code auth} ({@code api-key}, the default, or {@code bearer} for a Microsoft Entra token
 * given as the api-key). Prices come from the catalogue's {@code azure} entries unless {@code price-provider} says
 * otherwise.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class AzureOpenAiProviderFactory extends HttpProviderFactory {

    @Inject
    public AzureOpenAiProviderFactory(Vertx vertx) {
        super(vertx, "azure-openai", null); // every resource has its own endpoint
    }

    @Override
    public Provider create(ProviderSettings settings) {
        settings.requireKnownOptions(Set.of(AzureEndpoints.API_VERSION, AzureEndpoints.AUTH));
        ProviderSettings priced = settings.withDefaultPriceProvider("azure");
        return new OpenAiProvider(priced, AzureEndpoints.of(baseUrl(settings), settings), http(priced));
    }
}
