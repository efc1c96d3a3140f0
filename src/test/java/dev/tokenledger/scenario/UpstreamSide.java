package dev.tokenledger.scenario;

import java.util.Map;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * An upstream provider type in the scenario suite: configures a provider of that type against the suite's WireMock
 * server, answers each case in its wire format, and checks the exact request the gateway sent. Implementations live
 * beside the suite, one per provider type, registered in {@link ScenarioFormats#UPSTREAMS}.
 */
public interface UpstreamSide {

    /** The provider type, e.g. {@code openai}; the suite's provider id is {@code sc-<type>}. */
    String type();

    /** The upstream model name the suite's alias {@code sc-<type>} routes to. */
    default String upstreamModel() {
        return "sc-upstream-model";
    }

    /** Provider configuration below {@code tokenledger.providers.sc-<type>.}, e.g. {@code base-url}. */
    Map<String, String> providerConfig(String wireMockBaseUrl);

    /** The WireMock stub answering a case: URL, and the answer in this format (JSON, stream or error). */
    MappingBuilder stub(ScenarioCase c);

    /**
     * Asserts the request the gateway sent upstream for a case: URL, authentication, and a body that expresses the
     * case's content ({@link Script}) in this format.
     */
    void assertOutbound(ScenarioCase c, LoggedRequest request);

    /** Whether this format carries tool-call ids (Gemini does not; the gateway synthesizes them). */
    default boolean hasToolCallIds() {
        return true;
    }

    /**
     * Whether this format reports cached input tokens apart (Ollama does not: its prompt count is all the client
     * learns, and cached tokens are 0).
     */
    default boolean reportsCachedTokens() {
        return true;
    }
}
