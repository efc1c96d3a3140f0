package dev.tokenledger.api.anthropic;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.JsSdkClient;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The official Anthropic JavaScript SDK ({@code @anthropic-ai/sdk} on npm) as a real client of {@code /v1/messages}:
 * served by an Anthropic upstream (pass-through) and by an OpenAI upstream (translated).
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AnthropicNodeSdkTest extends JsSdkClient {

    AnthropicNodeSdkTest() {
        super("anthropic.mjs");
    }

    @Test
    void messagesFromAnAnthropicUpstream() {
        Upstreams.answers("/v1/messages", "application/json", Golden.bytes("anthropic/messages-response-basic.json"));
        JsonNode result = run("messages", "claude-test");
        Golden.assertFields(result, "/id", "msg_01XFDUDYJgAACzvnptvVoYEL",
                "/text", "The capital of Australia is Canberra. 🙂", "/stop_reason", "end_turn",
                "/usage/input_tokens", 21, "/usage/output_tokens", 12);
    }

    @Test
    void messagesFromAnOpenAiUpstream() {
        OpenAiFixtures.upstreamCompletes();
        JsonNode result = run("messages", "gpt-test");
        Golden.assertFields(result, "/text", "Hello there!", "/stop_reason", "end_turn", "/usage/input_tokens", 19,
                "/usage/output_tokens", 3);
    }

    @Test
    void streamFromAnOpenAiUpstream() {
        OpenAiFixtures.upstreamStreams();
        JsonNode result = run("stream", "gpt-test");
        // input_tokens 4: 12 prompt tokens of which 8 cached
        Golden.assertFields(result, "/text", "Hello 🙂", "/streamed", "Hello 🙂", "/stop_reason", "end_turn",
                "/usage/input_tokens", 4, "/usage/cache_read_input_tokens", 8, "/usage/output_tokens", 4);
    }

    @Test
    void toolUseFromAnOpenAiUpstream() {
        Upstreams.answers("/v1/chat/completions", "application/json", Golden.bytes("openai/chat-response-tool-calls.json"));
        JsonNode result = run("tools", "gpt-test");
        Golden.assertFields(result, "/stop_reason", "tool_use", "/calls/0/id", "call_9pXjR2mQe7LkT4sVb1NcD8aZ",
                "/calls/0/input/city", "Paris", "/calls/1/name", "get_local_time",
                "/usage/cache_read_input_tokens", 256, "/usage/input_tokens", 156);
    }

    @Test
    void streamedThinkingAndToolUseFromAnAnthropicUpstream() {
        Upstreams.answers("/v1/messages", "text/event-stream", Golden.bytes("anthropic/messages-stream-tool-use.sse"));
        JsonNode result = run("streamTools", "claude-test");
        Golden.assertFields(result, "/stop_reason", "tool_use", "/thinking", "Two lookups 🙂; call both tools.");
        assertEquals(
                "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDZXUyMyWuRKdZOwsiMDpD8fGpgs7h1s7VUwQz0r7XqgRKGSn0Tq5GTzk3Wl0pgPQ5Zm7bTtE1LQ==",
                result.path("signature").asText());
        Golden.assertFields(result, "/calls/0/input/city", "São Paulo", "/calls/1/input/timezone", "America/Sao_Paulo",
                "/usage/input_tokens", 412, "/usage/cache_read_input_tokens", 2048, "/usage/output_tokens", 89);
    }

    @Test
    void countTokens() {
        Upstreams.answers("/v1/messages/count_tokens", "application/json",
                "{\"input_tokens\":14}".getBytes(StandardCharsets.UTF_8));
        JsonNode counted = run("countTokens", "claude-test");
        Golden.assertFields(counted, "/input_tokens", 14, "/source", "provider");

        JsonNode estimated = run("countTokens", "gpt-test");
        assertEquals("estimated", estimated.path("source").asText());
        assertEquals(true, estimated.path("input_tokens").asInt() > 0);
    }

    @Test
    void errorsReachTheSdkAsItsOwnErrorType() {
        JsonNode result = run("error", "claude-test");
        Golden.assertFields(result, "/status", 404, "/type", "not_found_error");
    }
}
