package dev.tokenledger.api.openai;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.JsSdkClient;
import dev.tokenledger.testing.NodeSdk;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

/** The official OpenAI JavaScript SDK ({@code openai} on npm) as a real client of the OpenAI chat endpoint. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class OpenAiNodeSdkTest extends JsSdkClient {

    OpenAiNodeSdkTest() {
        super("openai.mjs");
    }

    private JsonNode run(String scenario) {
        return NodeSdk.run("openai.mjs", scenario, gatewayUrl("/v1"), "gpt-test");
    }

    private static void upstreamAnswers(String contentType, byte[] body) {
        Upstreams.answers("/v1/chat/completions", contentType, body);
    }

    @Test
    void chat() {
        OpenAiFixtures.upstreamCompletes();
        JsonNode result = run("chat");
        Golden.assertFields(result, "/text", "Hello there!", "/usage/prompt_tokens", 19, "/usage/completion_tokens", 3);
    }

    @Test
    void stream() {
        OpenAiFixtures.upstreamStreams();
        JsonNode result = run("stream");
        Golden.assertFields(result, "/text", "Hello 🙂", "/usage/prompt_tokens", 12);
    }

    @Test
    void toolCalls() {
        upstreamAnswers("application/json", Golden.bytes("openai/chat-response-tool-calls.json"));
        JsonNode result = run("tools");
        Golden.assertFields(result, "/finish", "tool_calls", "/calls/0/id", "call_9pXjR2mQe7LkT4sVb1NcD8aZ",
                "/calls/0/arguments/city", "Paris", "/calls/1/name", "get_local_time",
                "/usage/prompt_tokens_details/cached_tokens", 256);
    }

    @Test
    void streamedToolCalls() {
        upstreamAnswers("text/event-stream", Golden.bytes("openai/chat-stream-tool-calls.sse"));
        JsonNode result = run("streamTools");
        Golden.assertFields(result, "/finish", "tool_calls", "/calls/0/arguments/city", "São Paulo",
                "/calls/1/arguments/timezone", "America/Sao_Paulo", "/usage/prompt_tokens", 412);
    }

    @Test
    void errorsReachTheSdkAsItsOwnErrorType() {
        JsonNode result = run("error");
        Golden.assertFields(result, "/status", 404, "/type", "invalid_request_error");
    }
}
