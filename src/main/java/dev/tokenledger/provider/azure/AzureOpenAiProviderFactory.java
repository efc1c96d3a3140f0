package dev.tokenledger.provider.azure;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderOption;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderType;
import dev.tokenledger.provider.openai.OpenAiProvider;

/**
 * Type {@code azure-openai}: an Azure OpenAI (Azure AI Foundry) resource, in the OpenAI chat format. The base URL is
 * the resource's endpoint ({@code https://<resource>.openai.azure.com}); a deployment's upstream model is the Azure
 * deployment name. Options: {@code api-version} ({@code v1} selects the v1 API) and {@code auth} ({@code bearer}
 * for a Microsoft Entra token given as the api-key). Prices come from the catalogue's {@code azure} entries unless
 * {@code price-provider} says otherwise.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class AzureOpenAiProviderFactory extends HttpProviderFactory {

    @Inject
    public AzureOpenAiProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.baseUrlRequired("azure-openai", "azure", // every resource has its own endpoint
                ProviderOption.of(AzureEndpoints.API_VERSION, AzureEndpoints.DEFAULT_API_VERSION,
                        "Azure OpenAI data-plane API version (YYYY-MM-DD or YYYY-MM-DD-preview), or v1 for the v1 API "
                                + "({base}/openai/v1/chat/completions, the deployment in the body's model)"),
                ProviderOption.of(AzureEndpoints.AUTH, AzureEndpoints.API_KEY,
                        "How api-key is sent: api-key (the api-key header) or bearer (Authorization: Bearer, a "
                                + "Microsoft Entra token)")));
    }

    @Override
    public Provider create(ProviderSettings settings) {
        return new OpenAiProvider(settings, AzureEndpoints.of(baseUrl(settings), settings), http(settings));
    }
}
