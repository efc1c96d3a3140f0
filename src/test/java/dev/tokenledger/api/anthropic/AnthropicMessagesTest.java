package dev.tokenledger.api.anthropic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code POST /v1/messages} and {@code /v1/messages/count_tokens} against WireMock upstreams: an Anthropic client
 * served by an OpenAI upstream, an OpenAI client served by an Anthropic upstream (outbound request asserted exactly),
 * and Anthropic to Anthropic pass-through.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AnthropicMessagesTest {

    private static final String CLAUDE = "claude-sonnet-4-5-20250929";

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    private static Response messages(String body) {
        return given().header("x-api-key", OpenAiFixtures.MASTER).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "prompt-caching-2024-07-31").contentType("application/json")
                .accept("application/json").body(body).post("/v1/messages");
    }

    private void openAiAnswers(String contentType, byte[] body) {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    private void anthropicAnswers(String path, int status, String contentType, byte[] body) {
        upstream.stubFor(post(path).willReturn(aResponse().withStatus(status).withHeader("Content-Type", contentType)
                .withBody(body)));
    }

    // ---- Anthropic client, OpenAI upstream ----

    @Test
    void anthropicClientOnAnOpenAiUpstream() {
        openAiAnswers("application/json", OpenAiFixtures.COMPLETION.getBytes(StandardCharsets.UTF_8));

        String body = messages("{\"model\":\"gpt-test\",\"max_tokens\":100,\"system\":\"Be brief.\",\"temperature\":0.5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(200).header("Content-Type", containsString("application/json")).extract().asString();

        assertEquals(Golden.tree(("{\"id\":\"chatcmpl-123\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"content\":[{\"type\":\"text\",\"text\":\"Hello there!\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":19,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":3}}")
                .getBytes(StandardCharsets.UTF_8)), Golden.tree(body.getBytes(StandardCharsets.UTF_8)));
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.UPSTREAM_KEY))
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini-2024-07-18\",\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"max_completion_tokens\":100,"
                        + "\"temperature\":0.5}")));
    }

    @Test
    void anthropicClientStreamsFromAnOpenAiUpstream() {
        openAiAnswers("text/event-stream", OpenAiFixtures.STREAM.getBytes(StandardCharsets.UTF_8));

        Response response = messages("{\"model\":\"gpt-test\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        response.then().statusCode(200).header("Content-Type", containsString("text/event-stream"));
        List<JsonNode> events = events(response.asByteArray());
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"),
                events.stream().map(e -> e.path("type").asText()).toList());
        assertEquals("Hello 🙂", events.get(2).path("delta").path("text").asText()
                + events.get(3).path("delta").path("text").asText());
        assertEquals("{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}", events.get(5).path("delta").toString());
        assertEquals("{\"input_tokens\":4,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":8,"
                + "\"output_tokens\":4}", events.get(5).path("usage").toString());
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini-2024-07-18\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"max_completion_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
    }

    @Test
    void anthropicToolTurnsOnAnOpenAiUpstream() {
        openAiAnswers("application/json", Golden.bytes("openai/chat-response-tool-calls.json"));

        String body = messages("{\"model\":\"gpt-test\",\"max_tokens\":200,"
                + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true},\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\","
                + "\"input\":{\"city\":\"Paris\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01\",\"content\":\"14C\"}]}]}")
                .then().statusCode(200).extract().asString();

        assertEquals(Golden.json("anthropic/messages-response-from-openai-tools.json"),
                Golden.tree(body.getBytes(StandardCharsets.UTF_8)));
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini-2024-07-18\",\"max_completion_tokens\":200,"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                        + "{\"type\":\"object\"}}}],\"tool_choice\":\"required\",\"parallel_tool_calls\":false,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},{\"role\":\"assistant\",\"content\":null,"
                        + "\"tool_calls\":[{\"id\":\"toolu_01\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_01\",\"content\":\"14C\"}]}")));
    }

    @Test
    void errorsAreAnsweredInAnthropicsShape() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429)
                .withBody("{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\",\"param\":null,"
                        + "\"code\":\"rate_limit_exceeded\"}}")));
        messages("{\"model\":\"gpt-test\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(429).body(jsonError("rate_limit_error", "Slow down"));

        messages("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(400).body(jsonError("invalid_request_error", "max_tokens: Field required"));
        messages("{\"model\":\"no-such-model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(404).body(containsString("\"type\":\"not_found_error\""));
        messages("{not json").then().statusCode(400).body(containsString("\"type\":\"invalid_request_error\""));
        given().contentType("application/json").body("{}").post("/v1/messages")
                .then().statusCode(401)
                .body(containsString("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\""));
    }

    private static org.hamcrest.Matcher<String> jsonError(String type, String message) {
        return org.hamcrest.Matchers.equalTo("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\""
                + message + "\"}}");
    }

    @Test
    void serverToolsAreRefusedForAnUpstreamOfAnotherFormat() {
        String request = new String(Golden.bytes("anthropic/messages-request-tools.json"), StandardCharsets.UTF_8)
                .replace("\"" + CLAUDE + "\"", "\"gpt-test\"");
        messages(request).then().statusCode(400).body(containsString("\"type\":\"invalid_request_error\""))
                .body(containsString("'tools.2'"));
        assertEquals(0, upstream.getAllServeEvents().size(), "nothing is sent upstream");
    }

    @Test
    void anOverloadedAnthropicUpstreamIsA529() {
        anthropicAnswers("/v1/messages", 529, "application/json", Golden.bytes("anthropic/error-overloaded.json"));
        messages("{\"model\":\"claude-test\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(529).body(containsString("\"type\":\"overloaded_error\""));
    }

    @Test
    void anErrorAfter200IsAnAnthropicErrorEvent() {
        openAiAnswers("text/event-stream", ("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        List<JsonNode> events = events(messages("{\"model\":\"gpt-test\",\"max_tokens\":10,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").asByteArray());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The server had an error\"}}",
                events.get(events.size() - 1).toString());
    }

    // ---- OpenAI client, Anthropic upstream ----

    @Test
    void openAiClientOnAnAnthropicUpstreamSendsExactlyTheAnthropicRequest() {
        anthropicAnswers("/v1/messages", 200, "application/json", Golden.bytes("anthropic/messages-response-tool-use.json"));

        String body = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(new String(Golden.bytes("openai/chat-request-tools.json"), StandardCharsets.UTF_8)
                        .replace("\"gpt-4.1\"", "\"claude-test\""))
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();

        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("x-api-key", equalTo(Upstreams.UPSTREAM_KEY))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("anthropic-beta", equalTo("interleaved-thinking-2025-05-14"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(new String(Golden.bytes("anthropic/messages-request-from-openai-tools.json"),
                        StandardCharsets.UTF_8))));
        JsonNode answer = Golden.tree(body.getBytes(StandardCharsets.UTF_8));
        JsonNode message = answer.path("choices").get(0).path("message");
        assertEquals("tool_calls", answer.path("choices").get(0).path("finish_reason").asText());
        assertEquals("I'll check both.", message.path("content").asText());
        assertEquals("Two independent lookups: call both tools.", message.path("reasoning_content").asText());
        assertEquals("toolu_01A09q90qw90lq917835lq9", message.path("tool_calls").get(0).path("id").asText());
        assertEquals("{\"city\":\"Paris\",\"unit\":\"celsius\"}",
                message.path("tool_calls").get(0).path("function").path("arguments").asText());
        assertEquals("{\"prompt_tokens\":3228,\"completion_tokens\":137,\"total_tokens\":3365,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":2048,\"cache_write_tokens\":1024}}",
                answer.path("usage").toString());
    }

    @Test
    void openAiClientStreamsFromAnAnthropicUpstream() {
        anthropicAnswers("/v1/messages", 200, "text/event-stream", Golden.bytes("anthropic/messages-stream-tool-use.sse"));

        byte[] stream = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body("{\"model\":\"claude-test\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asByteArray();

        String text = new String(stream, StandardCharsets.UTF_8);
        assertEquals(true, text.endsWith("data: [DONE]\n\n"), text);
        assertEquals(true, text.contains("\"finish_reason\":\"tool_calls\""), text);
        assertEquals(true, text.contains("\"usage\":{\"prompt_tokens\":2460,\"completion_tokens\":89,\"total_tokens\":2549,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":2048}}"), text);
        upstream.verify(postRequestedFor(urlEqualTo("/v1/messages")).withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"model\":\"" + CLAUDE + "\",\"max_tokens\":4096,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
    }

    // ---- Anthropic to Anthropic ----

    @Test
    void anthropicToAnthropicPassesBytesThrough() {
        byte[] answer = Golden.bytes("anthropic/messages-response-tool-use.json");
        anthropicAnswers("/v1/messages", 200, "application/json", answer);
        String request = new String(Golden.bytes("anthropic/messages-request-tools.json"), StandardCharsets.UTF_8);

        byte[] body = messages(request.replace("\"" + CLAUDE + "\"", "\"claude-test\"")).then().statusCode(200)
                .extract().asByteArray();

        assertArrayEquals(answer, body);
        upstream.verify(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(equalToJson(request))
                .withHeader("anthropic-beta", equalTo("interleaved-thinking-2025-05-14,prompt-caching-2024-07-31"))
                .withHeader("x-api-key", equalTo(Upstreams.UPSTREAM_KEY)));
    }

    @Test
    void anthropicToAnthropicStreamPassesBytesThrough() {
        byte[] stream = Golden.bytes("anthropic/messages-stream-tool-use.sse");
        anthropicAnswers("/v1/messages", 200, "text/event-stream", stream);

        byte[] body = messages("{\"model\":\"claude-test\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").then().statusCode(200).extract().asByteArray();

        assertArrayEquals(stream, body);
    }

    // ---- count_tokens ----

    @Test
    void countTokensIsAnsweredByAnAnthropicUpstream() {
        anthropicAnswers("/v1/messages/count_tokens", 200, "application/json",
                "{\"input_tokens\":14}".getBytes(StandardCharsets.UTF_8));

        given().header("x-api-key", OpenAiFixtures.MASTER).contentType("application/json")
                .body("{\"model\":\"claude-test\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages/count_tokens").then().statusCode(200)
                .header("x-tokenledger-token-count", "provider")
                .body(org.hamcrest.Matchers.equalTo("{\"input_tokens\":14}"));
        upstream.verify(postRequestedFor(urlEqualTo("/v1/messages/count_tokens"))
                .withHeader("x-api-key", equalTo(Upstreams.UPSTREAM_KEY))
                .withRequestBody(equalToJson("{\"model\":\"" + CLAUDE + "\",\"system\":\"Be brief.\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
    }

    @Test
    void countTokensIsEstimatedForAnUpstreamThatCannotCount() {
        String body = given().header("x-api-key", OpenAiFixtures.MASTER).contentType("application/json")
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}")
                .post("/v1/messages/count_tokens").then().statusCode(200)
                .header("x-tokenledger-token-count", "estimated").extract().asString();
        assertEquals(true, Golden.tree(body.getBytes(StandardCharsets.UTF_8)).path("input_tokens").asLong() > 0, body);
        assertEquals(0, upstream.getAllServeEvents().size());
    }

    private static List<JsonNode> events(byte[] stream) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(stream, events::add);
        List<JsonNode> out = new ArrayList<>();
        for (SseEvent event : events) {
            out.add(Golden.tree(event.data().getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
