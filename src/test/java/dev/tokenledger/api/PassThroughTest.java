package dev.tokenledger.api;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.LedgerRows;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native pass-through (issue 19): when the client's format is one the upstream speaks, the body reaches the upstream
 * untouched but for the model (unknown fields, betas, new roles, new tool and item types included), the answer
 * reaches the client as it came, and governance works as on the translated path: a priced ledger row with the key,
 * limits enforced.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class PassThroughTest {

    private static final String GPT = "gpt-4o-mini-2024-07-18";
    private static final String CLAUDE = "claude-sonnet-4-5-20250929";

    /** What Codex sends: every tool and item type the translated route cannot carry, and stored-state fields. */
    static final String CODEX_REQUEST = """
            {"model":"gpt-native-test","instructions":"You are Codex.","store":true,
             "previous_response_id":"resp_prev","include":["reasoning.encrypted_content"],"future_field":{"a":1},
             "input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Fix the bug."}]},
              {"type":"additional_tools","tools":[{"type":"function","name":"late","parameters":{"type":"object"}}]},
              {"type":"custom_tool_call","call_id":"call_1","name":"apply_patch","input":"*** Begin Patch"},
              {"type":"custom_tool_call_output","call_id":"call_1","output":"Done."},
              {"type":"future_item","payload":true}],
             "tools":[{"type":"namespace","name":"mcp__fs","description":"Files","tools":[
                {"type":"function","name":"read","parameters":{"type":"object","properties":{"path":{"type":"string"}}}}]},
              {"type":"custom","name":"apply_patch","description":"Patch files","format":{"type":"grammar",
                "syntax":"lark","definition":"start: /.+/"}},
              {"type":"tool_search","execution":"client"},{"type":"web_search"}],
             "reasoning":{"effort":"high","summary":"auto"},"max_output_tokens":1000}""";

    static final String RESPONSE = """
            {"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"gpt-4o-mini-2024-07-18",
             "output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant",
               "content":[{"type":"output_text","text":"Patched.","annotations":[]}]},
              {"id":"ws_1","type":"web_search_call","status":"completed"}],
             "usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":5},"output_tokens":7,
               "output_tokens_details":{"reasoning_tokens":2},"total_tokens":27}}""";

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
        price("native-mock", GPT);
        price("anthropic-mock", CLAUDE);
        price("gmock", "gemini-2.5-flash");
    }

    private static void price(String provider, String model) {
        GatewayCalls.price(provider, model, "pass-through test");
    }

    /** A new virtual key (id, key) in a new org and team, with the given limits if not null. */
    static String[] key(String limitsJson) {
        return GatewayCalls.virtualKey(limitsJson);
    }

    private static Response responses(String key, String body) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json").body(body)
                .post("/v1/responses");
    }

    @Test
    void codexRequestReachesAnOpenAiUpstreamUntouchedButForTheModel() throws Exception {
        upstream.stubFor(post("/native/v1/responses").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE)));
        String[] key = key(null);

        Response response = responses(key[1], CODEX_REQUEST);

        response.then().statusCode(200);
        assertEquals(JsonPath.from(RESPONSE).prettify(), JsonPath.from(response.asString()).prettify(),
                "the answer as the upstream gave it");
        upstream.verify(1, postRequestedFor(urlEqualTo("/native/v1/responses"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.UPSTREAM_KEY))
                .withRequestBody(equalToJson(CODEX_REQUEST.replace("\"gpt-native-test\"", "\"" + GPT + "\""))));
        Row row = row(response.header("x-request-id"));
        assertEquals(key[0], row.keyId());
        assertEquals("native-mock", row.provider());
        assertEquals(20, row.input());
        assertEquals(5, row.cached());
        assertEquals(7, row.output());
        // 15 × 2.50 + 5 × 1.25 + 7 × 10 per million = 113.75 micro-USD, rounded up
        assertNotNull(row.costMicros(), "priced");
        assertTrue(row.costMicros() >= 113 && row.costMicros() <= 114, "cost " + row.costMicros());
    }

    @Test
    void aResponsesStreamPassesThroughAndIsMetered() throws Exception {
        String sse = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
                + "\"response\":{\"id\":\"resp_2\",\"status\":\"in_progress\",\"output\":[]}}\n\n"
                + "event: response.future_event\ndata: {\"type\":\"response.future_event\",\"sequence_number\":1}\n\n"
                + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":3,"
                + "\"response\":{\"id\":\"resp_2\",\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":11,"
                + "\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":4,\"output_tokens_details\":"
                + "{\"reasoning_tokens\":0},\"total_tokens\":15}}}\n\n";
        upstream.stubFor(post("/native/v1/responses").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(sse)));
        String[] key = key(null);

        Response response = responses(key[1], "{\"model\":\"gpt-native-test\",\"stream\":true,\"input\":\"Hi\","
                + "\"tools\":[{\"type\":\"web_search\"}]}");

        response.then().statusCode(200);
        assertEquals(sse, response.asString(), "every event as it came, unknown ones included");
        Row row = row(response.header("x-request-id"));
        assertEquals(11, row.input());
        assertEquals(4, row.output());
        assertNotNull(row.costMicros(), "priced");
    }

    @Test
    void limitsHoldOnThePassThroughRoute() {
        upstream.stubFor(post("/native/v1/responses").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE)));
        String[] key = key("{\"rpm\":1}");

        responses(key[1], "{\"model\":\"gpt-native-test\",\"input\":\"Hi\"}").then().statusCode(200);
        responses(key[1], "{\"model\":\"gpt-native-test\",\"input\":\"Hi\"}").then().statusCode(429)
                .body("error.type", containsString("rate"));
        assertEquals(1, upstream.findAll(anyRequestedFor(anyUrl())).size(), "the refused request never left");
    }

    @Test
    void hostedToolsAreRefusedOnlyWhenTheUpstreamCannotRunThem() {
        String body = "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"}],"
                + "\"tool_choice\":\"required\"}";
        responses(OpenAiFixtures.MASTER, body).then().statusCode(400).body("error.param", equalToParam("tools[0].type"))
                .body("error.message", containsString("web_search"));
        assertTrue(upstream.findAll(anyRequestedFor(anyUrl())).isEmpty());
    }

    private static org.hamcrest.Matcher<Object> equalToParam(String param) {
        return org.hamcrest.Matchers.equalTo(param);
    }

    /** Claude Code: a system turn inside messages, a beta, an unknown field and a new tool type reach the upstream. */
    @Test
    void claudeCodeRequestReachesAnAnthropicUpstreamUntouched() throws Exception {
        String answer = """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":30,"cache_read_input_tokens":10,"cache_creation_input_tokens":0,"output_tokens":5}}""";
        upstream.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(answer)));
        String body = """
                {"model":"claude-test","max_tokens":128000,"temperature":1,"top_p":0.9,"system":[{"type":"text",
                  "text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"Read a.txt"},
                  {"role":"system","content":[{"type":"text","text":"<reminder>"}]},
                  {"role":"user","content":[{"type":"future_block","x":1},{"type":"text","text":"Go."}]}],
                 "tools":[{"type":"future_tool_20990101","name":"computer"},{"name":"Read","input_schema":{"type":"object"}}],
                 "context_management":{"edits":[]}}""";
        String[] key = key(null);

        Response response = given().header("x-api-key", key[1]).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "future-beta-2099-01-01").contentType("application/json").body(body)
                .post("/v1/messages");

        response.then().statusCode(200);
        assertEquals(JsonPath.from(answer).prettify(), JsonPath.from(response.asString()).prettify());
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("anthropic-beta", containing("future-beta-2099-01-01"))
                .withRequestBody(equalToJson(body.replace("\"claude-test\"", "\"" + CLAUDE + "\""))));
        Row row = row(response.header("x-request-id"));
        assertEquals(key[0], row.keyId());
        assertEquals(40, row.input(), "cache reads count as input");
        assertEquals(10, row.cached());
        assertEquals(5, row.output());
        assertNotNull(row.costMicros(), "priced");
    }

    @Test
    void geminiRequestReachesAGeminiUpstreamUntouched() throws Exception {
        String answer = """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"Done."}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":3,"totalTokenCount":15},
                 "modelVersion":"gemini-2.5-flash"}""";
        upstream.stubFor(post("/v1beta/models/gemini-2.5-flash:generateContent").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(answer)));
        String body = """
                {"contents":[{"role":"user","parts":[{"text":"Hi"},{"futurePart":{"x":1}}]}],
                 "generationConfig":{"thinkingConfig":{"thinkingBudget":512},"futureKnob":true},
                 "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}},"futureField":[1]}""";
        String[] key = key(null);

        Response response = given().header("x-goog-api-key", key[1]).contentType("application/json").body(body)
                .post("/v1beta/models/gemini-test:generateContent");

        response.then().statusCode(200);
        // at least once: a busy test machine may time the first try out, and the retry is the same body
        upstream.verify(postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent"))
                .withRequestBody(equalToJson(body)));
        Row row = row(response.header("x-request-id"));
        assertEquals(key[0], row.keyId());
        assertEquals(12, row.input());
        assertEquals(3, row.output());
        assertNotNull(row.costMicros(), "priced");
    }

    @Test
    void modelsInAnthropicsShapeForAnAnthropicClient() {
        given().header("x-api-key", OpenAiFixtures.MASTER).header("anthropic-version", "2023-06-01").get("/v1/models")
                .then().statusCode(200).body("has_more", org.hamcrest.Matchers.is(false))
                .body("data.find { it.id == 'claude-test' }.type", org.hamcrest.Matchers.is("model"))
                .body("object", org.hamcrest.Matchers.nullValue());
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).get("/v1/models").then().statusCode(200)
                .body("object", org.hamcrest.Matchers.is("list"));
        given().header("x-api-key", OpenAiFixtures.MASTER).header("anthropic-version", "2023-06-01")
                .get("/v1/models/claude-test").then().statusCode(200).body("display_name", org.hamcrest.Matchers
                        .is("claude-test"));
    }

    /**
     * Codex's tools through a chat-completions upstream: namespaced functions flattened, the custom tool a function of
     * one string, its calls and results as calls and results; the answer's calls are the client's items again.
     */
    @Test
    void codexToolsAreTranslatedForAChatUpstreamAndMappedBack() throws Exception {
        String chatAnswer = """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_a","type":"function","function":{"name":"apply_patch","arguments":"{\\"input\\":\\"*** Begin Patch\\"}"}},
                   {"id":"call_b","type":"function","function":{"name":"mcp__fs__read","arguments":"{\\"path\\":\\"a.txt\\"}"}}]},
                  "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":50,"completion_tokens":9,"total_tokens":59}}""";
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(chatAnswer)));
        String request = """
                {"model":"gpt-test","input":[{"role":"user","content":"Fix it."},
                  {"type":"custom_tool_call","call_id":"call_0","name":"apply_patch","input":"*** Begin"},
                  {"type":"custom_tool_call_output","call_id":"call_0","output":"ok"},
                  {"type":"additional_tools","tools":[{"type":"function","name":"late","parameters":{"type":"object"}}]}],
                 "tools":[{"type":"namespace","name":"mcp__fs","tools":[{"type":"function","name":"read",
                   "parameters":{"type":"object","properties":{"path":{"type":"string"}}}}]},
                  {"type":"custom","name":"apply_patch","description":"Patch files"}]}""";

        Response response = responses(OpenAiFixtures.MASTER, request);

        response.then().statusCode(200)
                .body("output[0].type", org.hamcrest.Matchers.is("custom_tool_call"))
                .body("output[0].name", org.hamcrest.Matchers.is("apply_patch"))
                .body("output[0].input", org.hamcrest.Matchers.is("*** Begin Patch"))
                .body("output[1].type", org.hamcrest.Matchers.is("function_call"))
                .body("output[1].namespace", org.hamcrest.Matchers.is("mcp__fs"))
                .body("output[1].name", org.hamcrest.Matchers.is("read"));
        JsonPath sent = JsonPath.from(upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).get(0)
                .getBodyAsString());
        assertEquals(java.util.List.of("mcp__fs__read", "apply_patch", "late"), sent.getList("tools.function.name"));
        assertEquals(java.util.List.of("input"),
                sent.getList("tools[1].function.parameters.required"));
        assertEquals("apply_patch", sent.getString("messages[1].tool_calls[0].function.name"));
        assertEquals("{\"input\":\"*** Begin\"}", sent.getString("messages[1].tool_calls[0].function.arguments"));
        assertEquals("tool", sent.getString("messages[2].role"));
        assertEquals("call_0", sent.getString("messages[2].tool_call_id"));
    }

    /** One ledger row of a request. */
    record Row(String keyId, String provider, long input, long cached, long output, Long costMicros) {
    }

    static Row row(String requestId) throws Exception {
        Map<String, Object> r = LedgerRows.await(requestId);
        return new Row(r.get("key_id") == null ? null : r.get("key_id").toString(), (String) r.get("provider"),
                LedgerRows.longOf(r, "input_tokens"), LedgerRows.longOf(r, "cache_read_tokens"),
                LedgerRows.longOf(r, "output_tokens"), (Long) r.get("cost_micros"));
    }
}
