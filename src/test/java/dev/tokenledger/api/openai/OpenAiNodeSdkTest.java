package dev.tokenledger.api.openai;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.NodeSdk;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The official OpenAI JavaScript SDK ({@code openai} on npm) as a real client of the OpenAI chat endpoint. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class OpenAiNodeSdkTest {

    @TestHTTPResource("/v1")
    URL gateway;

    @BeforeEach
    void setUp() {
        Upstreams.wireMock().resetAll();
    }

    private JsonNode run(String scenario) {
        return NodeSdk.run("openai.mjs", scenario, Map.of("TL_BASE_URL", gateway.toString(), "TL_API_KEY",
                OpenAiFixtures.MASTER));
    }

    private static void upstreamAnswers(String contentType, byte[] body) {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    @Test
    void chat() {
        upstreamAnswers("application/json", OpenAiFixtures.COMPLETION.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode result = run("chat");
        assertEquals("Hello there!", result.path("text").asText());
        assertEquals(19, result.path("usage").path("prompt_tokens").asInt());
        assertEquals(3, result.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void stream() {
        upstreamAnswers("text/event-stream", OpenAiFixtures.STREAM.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode result = run("stream");
        assertEquals("Hello 🙂", result.path("text").asText());
        assertEquals(12, result.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void toolCalls() {
        upstreamAnswers("application/json", Golden.bytes("openai/chat-response-tool-calls.json"));
        JsonNode result = run("tools");
        assertEquals("tool_calls", result.path("finish").asText());
        assertEquals("call_9pXjR2mQe7LkT4sVb1NcD8aZ", result.path("calls").get(0).path("id").asText());
        assertEquals("Paris", result.path("calls").get(0).path("arguments").path("city").asText());
        assertEquals("get_local_time", result.path("calls").get(1).path("name").asText());
        assertEquals(256, result.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt());
    }

    @Test
    void streamedToolCalls() {
        upstreamAnswers("text/event-stream", Golden.bytes("openai/chat-stream-tool-calls.sse"));
        JsonNode result = run("streamTools");
        assertEquals("tool_calls", result.path("finish").asText());
        assertEquals("São Paulo", result.path("calls").get(0).path("arguments").path("city").asText());
        assertEquals("America/Sao_Paulo", result.path("calls").get(1).path("arguments").path("timezone").asText());
        assertEquals(412, result.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void errorsReachTheSdkAsItsOwnErrorType() {
        JsonNode result = run("error");
        assertEquals(404, result.path("status").asInt());
        assertEquals("invalid_request_error", result.path("type").asText());
    }
}
