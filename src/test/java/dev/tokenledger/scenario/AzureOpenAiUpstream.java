package dev.tokenledger.scenario;

import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An Azure OpenAI resource ({@code azure-openai} type, classic API): the OpenAI chat format at the deployment's URL
 * with the api-version, the key in an {@code api-key} header.
 */
class AzureOpenAiUpstream extends OpenAiUpstream {

    @Override
    public String type() {
        return "azure-openai";
    }

    @Override
    String prefix() {
        return "/sc-azure";
    }

    @Override
    public Map<String, String> providerConfig(String wireMockBaseUrl) {
        return Map.of("base-url", wireMockBaseUrl + prefix(), "api-key", KEY, "options.api-version", "2024-10-21");
    }

    @Override
    String chatPath() {
        return prefix() + "/openai/deployments/" + upstreamModel() + "/chat/completions?api-version=2024-10-21";
    }

    @Override
    void assertCredentials(LoggedRequest request) {
        assertEquals(KEY, request.getHeader("api-key"));
        assertNull(request.getHeader("Authorization"));
    }
}
