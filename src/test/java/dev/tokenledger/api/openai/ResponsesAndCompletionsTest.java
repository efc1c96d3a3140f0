package dev.tokenledger.api.openai;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.NodeSdk;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tokenledger.testing.OpenAiFixtures.COMPLETION;
import static dev.tokenledger.testing.OpenAiFixtures.MASTER;
import static dev.tokenledger.testing.OpenAiFixtures.STREAM;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /v1/responses} and {@code POST /v1/completions} in front of the OpenAI chat {@code mock} upstream: the
 * exact chat request sent upstream, the answer in the client's format, streams, errors; and the official {@code openai}
 * npm SDK as a client of both.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ResponsesAndCompletionsTest {

    private static final String UPSTREAM_MODEL = "gpt-4o-mini-2024-07-18";

    WireMockServer upstream;

    @TestHTTPResource("/v1")
    URL gateway;

    private static boolean warm;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
        if (!warm) {
            // the pipeline's first use loads the tokenizer on the event loop (seconds on a loaded machine), which
            // would eat the 1.5 s the mock upstream is given; an unknown model takes that hit without an upstream
            call("/v1/responses", "{\"model\":\"no-such-model\",\"input\":\"Hi\"}").then().statusCode(404)
                    .body("error.code", is("model_not_found"));
            warm = true;
        }
    }

    private void upstreamAnswers(String contentType, byte[] body) {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    private static Response call(String path, String json) {
        return given().header("Authorization", "Bearer " + MASTER).contentType("application/json")
                .accept("application/json").body(json).post(path);
    }

    private void upstreamReceived(String chatJson) {
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.UPSTREAM_KEY))
                .withRequestBody(equalToJson(chatJson)));
    }

    // ---- Responses ----

    @Test
    void plainResponseWithInstructions() {
        upstreamAnswers("application/json", COMPLETION.getBytes(StandardCharsets.UTF_8));

        call("/v1/responses", "{\"model\":\"gpt-test\",\"instructions\":\"Be brief.\",\"input\":\"Hi\","
                + "\"max_output_tokens\":50,\"temperature\":0.3,\"store\":false}")
                .then().statusCode(200)
                .header("Content-Type", containsString("application/json"))
                .body("object", is("response"))
                .body("id", is("resp_chatcmpl-123"))
                .body("status", is("completed"))
                .body("output[0].type", is("message"))
                .body("output[0].content[0].type", is("output_text"))
                .body("output[0].content[0].text", is("Hello there!"))
                .body("usage.input_tokens", is(19))
                .body("usage.output_tokens", is(3))
                .body("usage.total_tokens", is(22));

        upstreamReceived("{\"model\":\"" + UPSTREAM_MODEL + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}],\"max_completion_tokens\":50,\"temperature\":0.3}");
    }

    @Test
    void toolsWithParallelCallsAndResultsAndJsonMode() {
        upstreamAnswers("application/json", Golden.bytes("openai/chat-response-tool-calls.json"));
        String request = """
                {"model":"gpt-test","input":[
                 {"role":"user","content":"Weather in Paris and time in Tokyo?"},
                 {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                 {"type":"function_call","call_id":"call_2","name":"get_time","arguments":"{\\"zone\\":\\"Asia/Tokyo\\"}"},
                 {"type":"function_call_output","call_id":"call_1","output":"14C"},
                 {"type":"function_call_output","call_id":"call_2","output":"21:04"}],
                 "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":false}],
                 "tool_choice":"required","parallel_tool_calls":true,"text":{"format":{"type":"json_object"}}}""";

        call("/v1/responses", request).then().statusCode(200)
                .body("status", is("completed"))
                .body("output.type", is(List.of("function_call", "function_call")))
                .body("output[0].call_id", is("call_9pXjR2mQe7LkT4sVb1NcD8aZ"))
                .body("output[0].arguments", is("{\"city\":\"Paris\",\"unit\":\"celsius\"}"))
                .body("output[1].name", is("get_local_time"))
                .body("usage.input_tokens", is(412))
                .body("usage.input_tokens_details.cached_tokens", is(256));

        upstreamReceived("{\"model\":\"" + UPSTREAM_MODEL + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris and time in Tokyo?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                + "{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"zone\\\":\\\"Asia/Tokyo\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"14C\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"21:04\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"},"
                + "\"strict\":false}}],\"tool_choice\":\"required\",\"parallel_tool_calls\":true,"
                + "\"response_format\":{\"type\":\"json_object\"}}");
    }

    @Test
    void streamedResponseWithCachedUsage() {
        upstreamAnswers("text/event-stream", STREAM.getBytes(StandardCharsets.UTF_8));

        Response response = call("/v1/responses", "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"stream\":true}");

        response.then().statusCode(200).header("Content-Type", containsString("text/event-stream"));
        List<SseEvent> events = new java.util.ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(response.asByteArray(), events::add);
        assertEquals("response.created", events.get(0).type());
        assertEquals("response.in_progress", events.get(1).type());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = Golden.tree(events.get(i).data().getBytes(StandardCharsets.UTF_8));
            assertEquals(i, data.get("sequence_number").asInt());
            text.append("response.output_text.delta".equals(events.get(i).type()) ? data.get("delta").asText() : "");
        }
        assertEquals("Hello 🙂", text.toString());
        SseEvent last = events.get(events.size() - 1);
        assertEquals("response.completed", last.type());
        JsonNode usage = Golden.tree(last.data().getBytes(StandardCharsets.UTF_8)).at("/response/usage");
        assertEquals(12, usage.get("input_tokens").asInt());
        assertEquals(8, usage.at("/input_tokens_details/cached_tokens").asInt());
        upstreamReceived("{\"model\":\"" + UPSTREAM_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    }

    @Test
    void upstreamErrorInOpenAisShape() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"This model's maximum "
                        + "context length is 128000 tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\","
                        + "\"code\":\"context_length_exceeded\"}}")));

        call("/v1/responses", "{\"model\":\"gpt-test\",\"input\":\"Hi\"}").then().statusCode(400)
                .body("error.message", containsString("maximum context length"))
                .body("error.type", is("invalid_request_error"));
    }

    @Test
    void statefulAndBuiltInToolRequestsAreRefusedBeforeAnyUpstreamCall() {
        call("/v1/responses", "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"previous_response_id\":\"resp_abc\"}")
                .then().statusCode(404)
                .body("error.type", is("invalid_request_error"))
                .body("error.param", is("previous_response_id"))
                .body("error.code", is("previous_response_not_found"));
        call("/v1/responses", "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"}],"
                + "\"tool_choice\":\"required\"}").then().statusCode(400).body("error.param", is("tools[0].type"));
        given().contentType("application/json").body("{\"model\":\"gpt-test\",\"input\":\"Hi\"}").post("/v1/responses")
                .then().statusCode(401).body("error.type", is("authentication_error"));
        upstream.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void hostileBodiesAreA4xxInOpenAisShape() {
        List<byte[]> bodies = List.of(new byte[0], "{".getBytes(StandardCharsets.UTF_8), "[]".getBytes(StandardCharsets.UTF_8),
                new byte[]{'{', '"', 'm', (byte) 0xC3, 0x28, '"', ':', '1', '}'},
                ("{\"model\":\"gpt-test\",\"input\":" + "[".repeat(300) + "]".repeat(300) + "}")
                        .getBytes(StandardCharsets.UTF_8),
                "{\"model\":7,\"input\":{\"a\":1},\"prompt\":{}}".getBytes(StandardCharsets.UTF_8));
        for (String path : List.of("/v1/responses", "/v1/completions")) {
            for (byte[] body : bodies) {
                given().header("Authorization", "Bearer " + MASTER).contentType("application/json").body(body).post(path)
                        .then().statusCode(400).body("error.type", is("invalid_request_error"))
                        .body("error.message", org.hamcrest.Matchers.notNullValue());
            }
        }
        upstream.verify(0, postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    // ---- legacy completions ----

    @Test
    void completionTranslatedToChat() {
        upstreamAnswers("application/json", COMPLETION.getBytes(StandardCharsets.UTF_8));

        call("/v1/completions", "{\"model\":\"gpt-test\",\"prompt\":\"Say hi\",\"max_tokens\":7,\"stop\":\"\\n\"}")
                .then().statusCode(200)
                .body("object", is("text_completion"))
                .body("choices[0].text", is("Hello there!"))
                .body("choices[0].finish_reason", is("stop"))
                .body("usage.prompt_tokens", is(19));

        upstreamReceived("{\"model\":\"" + UPSTREAM_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],"
                + "\"max_completion_tokens\":7,\"stop\":[\"\\n\"]}");
        call("/v1/completions", "{\"model\":\"gpt-test\",\"prompt\":\"Say hi\",\"echo\":true}").then().statusCode(400)
                .body("error.param", is("echo"));
    }

    @Test
    void streamedCompletion() {
        upstreamAnswers("text/event-stream", STREAM.getBytes(StandardCharsets.UTF_8));

        String body = call("/v1/completions", "{\"model\":\"gpt-test\",\"prompt\":\"Hi\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}").then().statusCode(200)
                .header("Content-Type", containsString("text/event-stream")).extract().asString();

        assertTrue(body.contains("\"object\":\"text_completion\""), body);
        assertTrue(body.contains("\"choices\":[{\"text\":\"Hel\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]"),
                body);
        assertTrue(body.contains("\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,\"total_tokens\":16,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":8}}"), body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    // ---- the official openai SDK ----

    private JsonNode sdk(String scenario) {
        return NodeSdk.run("openai.mjs", scenario, Map.of("TL_BASE_URL", gateway.toString(), "TL_API_KEY",
                OpenAiFixtures.MASTER));
    }

    @Test
    void sdkResponses() {
        upstreamAnswers("application/json", Golden.bytes("openai/chat-response-basic.json"));
        JsonNode result = sdk("responses");
        assertEquals("completed", result.path("status").asText());
        assertEquals("The capital of Australia is Canberra, not Sydney.", result.path("text").asText());
        assertEquals(1342, result.at("/usage/input_tokens").asInt());
        assertEquals(1152, result.at("/usage/input_tokens_details/cached_tokens").asInt());
        assertEquals(128, result.at("/usage/output_tokens_details/reasoning_tokens").asInt());
    }

    @Test
    void sdkResponsesStream() {
        upstreamAnswers("text/event-stream", Golden.bytes("openai/chat-stream-basic.sse"));
        JsonNode result = sdk("responsesStream");
        assertEquals("completed", result.path("status").asText(), result.toString());
        String text = "Canberra is the capital of Australia — not Sydney 🙂. Café tip: in 中文 it is 堪培拉.";
        assertEquals(text, result.path("text").asText());
        assertEquals(text, result.path("finalText").asText());
        assertEquals(1342, result.at("/usage/input_tokens").asInt());
        assertEquals(187, result.at("/usage/output_tokens").asInt());
    }

    @Test
    void sdkResponsesToolsRoundTrip() {
        upstream.stubFor(post("/v1/chat/completions").atPriority(1).withRequestBody(containing("\"role\":\"tool\""))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(COMPLETION)));
        upstream.stubFor(post("/v1/chat/completions").atPriority(2).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(Golden.bytes("openai/chat-stream-tool-calls.sse"))));

        JsonNode result = sdk("responsesTools");

        assertEquals("call_kR7vX2mN9pQ4sT1wY6zB3cD8", result.at("/calls/0/call_id").asText());
        assertEquals("São Paulo", result.at("/calls/0/arguments/city").asText());
        assertEquals("get_local_time", result.at("/calls/1/name").asText());
        assertEquals(412, result.at("/usage/input_tokens").asInt());
        assertEquals("Hello there!", result.path("answer").asText());
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("{\"role\":\"tool\",\"tool_call_id\":\"call_Ht5jL0aE2uW8nF3gV7bK1xQ9\"")));
    }

    @Test
    void sdkCompletions() {
        upstreamAnswers("application/json", COMPLETION.getBytes(StandardCharsets.UTF_8));
        JsonNode result = sdk("completions");
        assertEquals("Hello there!", result.path("text").asText());
        assertEquals(22, result.at("/usage/total_tokens").asInt());
    }
}
