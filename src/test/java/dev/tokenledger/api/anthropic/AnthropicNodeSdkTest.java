package dev.tokenledger.api.anthropic;

import java.net.URL;
import java.nio.charset.StandardCharsets;
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

/**
 * The official Anthropic JavaScript SDK ({@code @anthropic-ai/sdk} on npm) as a real client of {@code /v1/messages}:
 * served by an Anthropic upstream (pass-through) and by an OpenAI upstream (translated).
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AnthropicNodeSdkTest {

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void setUp() {
        Upstreams.wireMock().resetAll();
    }

    private JsonNode run(String scenario, String model) {
        return NodeSdk.run("anthropic.mjs", scenario, Map.of("TL_BASE_URL", gateway.toString().replaceAll("/$", ""),
                "TL_API_KEY", OpenAiFixtures.MASTER, "TL_MODEL", model));
    }

    private static void upstreamAnswers(String path, String contentType, byte[] body) {
        Upstreams.wireMock().stubFor(post(path).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    @Test
    void messagesFromAnAnthropicUpstream() {
        upstreamAnswers("/v1/messages", "application/json", Golden.bytes("anthropic/messages-response-basic.json"));
        JsonNode result = run("messages", "claude-test");
        assertEquals("msg_01XFDUDYJgAACzvnptvVoYEL", result.path("id").asText());
        assertEquals("The capital of Australia is Canberra. 🙂", result.path("text").asText());
        assertEquals("end_turn", result.path("stop_reason").asText());
        assertEquals(21, result.path("usage").path("input_tokens").asInt());
        assertEquals(12, result.path("usage").path("output_tokens").asInt());
    }

    @Test
    void messagesFromAnOpenAiUpstream() {
        upstreamAnswers("/v1/chat/completions", "application/json",
                OpenAiFixtures.COMPLETION.getBytes(StandardCharsets.UTF_8));
        JsonNode result = run("messages", "gpt-test");
        assertEquals("Hello there!", result.path("text").asText());
        assertEquals("end_turn", result.path("stop_reason").asText());
        assertEquals(19, result.path("usage").path("input_tokens").asInt());
        assertEquals(3, result.path("usage").path("output_tokens").asInt());
    }

    @Test
    void streamFromAnOpenAiUpstream() {
        upstreamAnswers("/v1/chat/completions", "text/event-stream", OpenAiFixtures.STREAM.getBytes(StandardCharsets.UTF_8));
        JsonNode result = run("stream", "gpt-test");
        assertEquals("Hello 🙂", result.path("text").asText());
        assertEquals("Hello 🙂", result.path("streamed").asText());
        assertEquals("end_turn", result.path("stop_reason").asText());
        assertEquals(4, result.path("usage").path("input_tokens").asInt(), "12 prompt tokens of which 8 cached");
        assertEquals(8, result.path("usage").path("cache_read_input_tokens").asInt());
        assertEquals(4, result.path("usage").path("output_tokens").asInt());
    }

    @Test
    void toolUseFromAnOpenAiUpstream() {
        upstreamAnswers("/v1/chat/completions", "application/json", Golden.bytes("openai/chat-response-tool-calls.json"));
        JsonNode result = run("tools", "gpt-test");
        assertEquals("tool_use", result.path("stop_reason").asText());
        assertEquals("call_9pXjR2mQe7LkT4sVb1NcD8aZ", result.path("calls").get(0).path("id").asText());
        assertEquals("Paris", result.path("calls").get(0).path("input").path("city").asText());
        assertEquals("get_local_time", result.path("calls").get(1).path("name").asText());
        assertEquals(256, result.path("usage").path("cache_read_input_tokens").asInt());
        assertEquals(156, result.path("usage").path("input_tokens").asInt());
    }

    @Test
    void streamedThinkingAndToolUseFromAnAnthropicUpstream() {
        upstreamAnswers("/v1/messages", "text/event-stream", Golden.bytes("anthropic/messages-stream-tool-use.sse"));
        JsonNode result = run("streamTools", "claude-test");
        assertEquals("tool_use", result.path("stop_reason").asText());
        assertEquals("Two lookups 🙂; call both tools.", result.path("thinking").asText());
        assertEquals(
                "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDZXUyMyWuRKdZOwsiMDpD8fGpgs7h1s7VUwQz0r7XqgRKGSn0Tq5GTzk3Wl0pgPQ5Zm7bTtE1LQ==",
                result.path("signature").asText());
        assertEquals("São Paulo", result.path("calls").get(0).path("input").path("city").asText());
        assertEquals("America/Sao_Paulo", result.path("calls").get(1).path("input").path("timezone").asText());
        assertEquals(412, result.path("usage").path("input_tokens").asInt());
        assertEquals(2048, result.path("usage").path("cache_read_input_tokens").asInt());
        assertEquals(89, result.path("usage").path("output_tokens").asInt());
    }

    @Test
    void countTokens() {
        upstreamAnswers("/v1/messages/count_tokens", "application/json",
                "{\"input_tokens\":14}".getBytes(StandardCharsets.UTF_8));
        JsonNode counted = run("countTokens", "claude-test");
        assertEquals(14, counted.path("input_tokens").asInt());
        assertEquals("provider", counted.path("source").asText());

        JsonNode estimated = run("countTokens", "gpt-test");
        assertEquals("estimated", estimated.path("source").asText());
        assertEquals(true, estimated.path("input_tokens").asInt() > 0);
    }

    @Test
    void errorsReachTheSdkAsItsOwnErrorType() {
        JsonNode result = run("error", "claude-test");
        assertEquals(404, result.path("status").asInt());
        assertEquals("not_found_error", result.path("type").asText());
    }
}
