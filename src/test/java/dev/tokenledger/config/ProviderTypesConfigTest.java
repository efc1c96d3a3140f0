package dev.tokenledger.config;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.smallrye.config.SmallRyeConfig;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.azure.AzureOpenAiProviderFactory;
import dev.tokenledger.provider.lmstudio.LmStudioProviderFactory;
import dev.tokenledger.provider.ollama.OllamaProvider;
import dev.tokenledger.provider.ollama.OllamaProviderFactory;
import dev.tokenledger.provider.openai.OpenAiProvider;
import dev.tokenledger.provider.openai.OpenAiProviderFactory;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Target;
import dev.tokenledger.testing.ClassVertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The {@code ollama}, {@code lmstudio} and {@code azure-openai} provider types at the configuration level: defaults,
 * URLs, options and their validation at start-up.
 */
class ProviderTypesConfigTest {

    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();

    private static ProviderRegistry registry(SmallRyeConfig config) {
        return new ProviderRegistry(config.getConfigMapping(GatewayConfig.class),
                List.of(new OpenAiProviderFactory(VERTX.get()), new OllamaProviderFactory(VERTX.get()),
                        new LmStudioProviderFactory(VERTX.get()), new AzureOpenAiProviderFactory(VERTX.get())),
                config);
    }

    private static Provider provider(Map<String, String> properties, String id) {
        return registry(ConfigValidationTest.config(properties)).find(id).orElseThrow();
    }

    private static String failure(Map<String, String> properties) {
        return assertThrows(IllegalStateException.class, () -> registry(ConfigValidationTest.config(properties)))
                .getMessage();
    }

    @Test
    void aLocalOllamaModelIsOneLineOfConfiguration() {
        SmallRyeConfig config = ConfigValidationTest.config(Map.of("tokenledger.providers.local.type", "ollama"));
        ProviderRegistry registry = registry(config);
        Target target = new ModelRouter(config.getConfigMapping(GatewayConfig.class), registry).resolve("local/llama3.2")
                .primary();
        assertEquals("llama3.2", target.upstreamModel());
        OllamaProvider ollama = (OllamaProvider) target.provider();
        assertEquals("http://localhost:11434/api/chat", ollama.chatUrl());
        assertEquals(WireFormat.OLLAMA, ollama.format());
        assertEquals("ollama", ollama.priceProvider(), "priced by the catalogue's free ollama entry");
    }

    @Test
    void ollamaTakesAnotherHostAsItsBaseUrl() {
        OllamaProvider ollama = (OllamaProvider) provider(Map.of("tokenledger.providers.gpu.type", "ollama",
                "tokenledger.providers.gpu.base-url", "http://gpu-box:11434/"), "gpu");
        assertEquals("http://gpu-box:11434/api/chat", ollama.chatUrl());
    }

    @Test
    void lmStudioDefaultsToItsLocalServerWithoutAKey() {
        OpenAiProvider lmStudio = (OpenAiProvider) provider(Map.of("tokenledger.providers.lm.type", "lmstudio"), "lm");
        assertEquals("http://localhost:1234/v1/chat/completions", lmStudio.chatUrl("qwen2.5-7b-instruct"));
        assertEquals(WireFormat.OPENAI_CHAT, lmStudio.format());
        assertEquals("lmstudio", lmStudio.priceProvider());
    }

    @Test
    void azureBuildsTheClassicDeploymentUrlWithTheDefaultVersionAndIsPricedAsAzure() {
        OpenAiProvider azure = (OpenAiProvider) provider(Map.of("tokenledger.providers.az.type", "azure-openai",
                "tokenledger.providers.az.base-url", "https://contoso.openai.azure.com/"), "az");
        assertEquals("https://contoso.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions"
                + "?api-version=2024-10-21", azure.chatUrl("gpt-4o-prod"));
        assertEquals("azure", azure.priceProvider());
        GatewayError e = assertThrows(GatewayError.class, () -> azure.chatUrl("a/b"));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals("model", e.param());
    }

    @Test
    void azureTakesAnApiVersionTheV1ApiAndAPriceProvider() {
        OpenAiProvider preview = (OpenAiProvider) provider(Map.of("tokenledger.providers.az.type", "azure-openai",
                "tokenledger.providers.az.base-url", "https://contoso.openai.azure.com",
                "tokenledger.providers.az.options.api-version", "2025-04-01-preview",
                "tokenledger.providers.az.price-provider", "openai"), "az");
        assertEquals("https://contoso.openai.azure.com/openai/deployments/o4-mini/chat/completions"
                + "?api-version=2025-04-01-preview", preview.chatUrl("o4-mini"));
        assertEquals("openai", preview.priceProvider());
        OpenAiProvider v1 = (OpenAiProvider) provider(Map.of("tokenledger.providers.az.type", "azure-openai",
                "tokenledger.providers.az.base-url", "https://contoso.openai.azure.com",
                "tokenledger.providers.az.options.api-version", "v1"), "az");
        assertEquals("https://contoso.openai.azure.com/openai/v1/chat/completions", v1.chatUrl("any-deployment"));
    }

    @Test
    void invalidProviderConfigurationFailsStartUpNamingTheProperty() {
        assertEquals("tokenledger.providers.az.base-url: required for type 'azure-openai'",
                failure(Map.of("tokenledger.providers.az.type", "azure-openai")));
        assertEquals("tokenledger.providers.az.options.apiversion: unknown option for type 'azure-openai'; valid options: "
                + "[api-version, auth]",
                failure(Map.of("tokenledger.providers.az.type", "azure-openai",
                        "tokenledger.providers.az.base-url", "https://x.openai.azure.com",
                        "tokenledger.providers.az.options.apiversion", "2024-10-21")));
        assertEquals("tokenledger.providers.az.options.api-version: 'latest' is not an Azure OpenAI API version "
                + "(YYYY-MM-DD, YYYY-MM-DD-preview or v1)",
                failure(Map.of("tokenledger.providers.az.type", "azure-openai",
                        "tokenledger.providers.az.base-url", "https://x.openai.azure.com",
                        "tokenledger.providers.az.options.api-version", "latest")));
        assertEquals("tokenledger.providers.az.options.auth: 'entra'; valid values: [api-key, bearer]",
                failure(Map.of("tokenledger.providers.az.type", "azure-openai",
                        "tokenledger.providers.az.base-url", "https://x.openai.azure.com",
                        "tokenledger.providers.az.options.auth", "entra")));
        assertEquals("tokenledger.providers.local.options.think: unknown option for type 'ollama'; valid options: []",
                failure(Map.of("tokenledger.providers.local.type", "ollama", "tokenledger.providers.local.options.think",
                        "true")));
        assertEquals("tokenledger.providers.x.type: unknown provider type 'vllm'; valid types: "
                + "[azure-openai, lmstudio, ollama, openai]", failure(Map.of("tokenledger.providers.x.type", "vllm")));
    }
}
