package dev.tokenledger.api.gemini;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.LedgerRows;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gemini endpoints against WireMock upstreams: a Gemini client in front of the OpenAI-type {@code mock} provider,
 * an OpenAI client in front of the Gemini-type {@code gmock} provider, and Gemini on both ends.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class GeminiApiTest {

    private static final String GEMINI_GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String GEMINI_STREAM = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    private static Response gemini(String path, String body) {
        return given().header("x-goog-api-key", MASTER).contentType("application/json").accept("application/json")
                .body(body).post(path);
    }

    private static JsonNode tree(String json) {
        return Golden.tree(json.getBytes(StandardCharsets.UTF_8));
    }

    private void upstreamAnswers(String url, String contentType, byte[] body) {
        upstream.stubFor(post(urlEqualTo(url)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    // ---- Gemini client, OpenAI upstream ----

    @Test
    void geminiClientToOpenAiUpstream() {
        upstreamAnswers("/v1/chat/completions", "application/json", COMPLETION.getBytes(StandardCharsets.UTF_8));

        JsonNode answer = tree(gemini("/v1beta/models/gpt-test:generateContent",
                "{\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},\"contents\":[{\"role\":\"user\","
                        + "\"parts\":[{\"text\":\"Hi\"}]}],\"generationConfig\":{\"temperature\":0.3,\"maxOutputTokens\":50}}")
                .then().statusCode(200).header("Content-Type", containsString("application/json")).extract().asString());

        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.UPSTREAM_KEY))
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini-2024-07-18\",\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0.3,"
                        + "\"max_completion_tokens\":50}")));
        assertEquals(tree("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hello there!\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":19,"
                + "\"candidatesTokenCount\":3,\"totalTokenCount\":22},\"modelVersion\":\"gpt-4o-mini-2024-07-18\","
                + "\"responseId\":\"chatcmpl-123\"}"), answer);
    }

    @Test
    void geminiClientStreamsFromOpenAiUpstream() {
        upstreamAnswers("/v1/chat/completions", "text/event-stream", STREAM.getBytes(StandardCharsets.UTF_8));

        String body = given().queryParam("key", MASTER).queryParam("alt", "sse").contentType("application/json")
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}")
                .post("/v1beta/models/gpt-test:streamGenerateContent")
                .then().statusCode(200).header("Content-Type", containsString("text/event-stream")).extract().asString();

        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o-mini-2024-07-18\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}")));
        String[] events = body.split("\r\n\r\n");
        assertEquals(3, events.length, body);
        assertEquals("Hel", tree(events[0].substring(6)).at("/candidates/0/content/parts/0/text").asText());
        assertEquals("lo 🙂", tree(events[1].substring(6)).at("/candidates/0/content/parts/0/text").asText());
        JsonNode last = tree(events[2].substring(6));
        assertEquals("STOP", last.at("/candidates/0/finishReason").asText());
        assertEquals(12, last.at("/usageMetadata/promptTokenCount").asInt());
        assertEquals(8, last.at("/usageMetadata/cachedContentTokenCount").asInt());
        assertEquals(4, last.at("/usageMetadata/candidatesTokenCount").asInt());
    }

    @Test
    void geminiToolsToOpenAiUpstreamAndCallsBack() {
        upstreamAnswers("/v1/chat/completions", "application/json", Golden.bytes("openai/chat-response-tool-calls.json"));

        JsonNode answer = tree(gemini("/v1beta/models/gpt-test:generateContent", "{\"contents\":[{\"role\":\"user\","
                + "\"parts\":[{\"text\":\"Weather in Paris?\"}]}],\"tools\":[{\"functionDeclarations\":[{\"name\":"
                + "\"get_weather\",\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"}}}}]}],"
                + "\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\"}}}").then().statusCode(200).extract()
                .asString());

        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions")).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o-mini-2024-07-18\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                        + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],\"tool_choice\":\"required\"}")));
        JsonNode call = answer.at("/candidates/0/content/parts/0/functionCall");
        assertEquals("get_weather", call.path("name").asText());
        assertEquals("Paris", call.at("/args/city").asText());
        assertEquals("call_9pXjR2mQe7LkT4sVb1NcD8aZ", call.path("id").asText());
        assertEquals(256, answer.at("/usageMetadata/cachedContentTokenCount").asInt());
    }

    @Test
    void errorsAreAnsweredInGooglesShape() throws Exception {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"message\":\"Rate limit reached\","
                        + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}")));
        gemini("/v1beta/models/gpt-test:generateContent", "{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}")
                .then().statusCode(429).body("error.code", org.hamcrest.Matchers.is(429))
                .body("error.status", org.hamcrest.Matchers.is("RESOURCE_EXHAUSTED"))
                .body("error.message", containsString("Rate limit reached"));
        // the 429 may be retried by the deployment's guard; none of the refusals below may reach the upstream
        int rateLimitedCalls = upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size();

        gemini("/v1beta/models/gpt-test:generateContent", "{\"contents\":[]}").then().statusCode(400)
                .body("error.status", org.hamcrest.Matchers.is("INVALID_ARGUMENT"))
                .body("error.details[0].fieldViolations[0].field", org.hamcrest.Matchers.is("contents"));
        String refused = gemini("/v1beta/models/gpt-test:generateContent", "{\"contents\":[{\"parts\":[{\"text\":"
                + "\"news?\"}]}],\"tools\":[{\"googleSearch\":{}}]}").then().statusCode(400)
                .body("error.details[0].fieldViolations[0].field", org.hamcrest.Matchers.is("tools[0].googleSearch"))
                .extract().header("x-request-id");
        gemini("/v1beta/models/gpt-test:embedContent", "{}").then().statusCode(404)
                .body("error.status", org.hamcrest.Matchers.is("NOT_FOUND"));
        given().contentType("application/json").body("{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}")
                .post("/v1beta/models/gpt-test:generateContent").then().statusCode(401)
                .body("error.status", org.hamcrest.Matchers.is("UNAUTHENTICATED"));
        gemini("/v1beta/models/gpt-test:generateContent", "{\"contents\":").then().statusCode(400)
                .body("error.status", org.hamcrest.Matchers.is("INVALID_ARGUMENT"));
        upstream.verify(rateLimitedCalls, postRequestedFor(urlEqualTo("/v1/chat/completions")));
        // a request refused before any call left has nothing to bill and no upstream outcome: no ledger row
        for (int i = 0; i < 30; i++) { // ledger rows are written in batches within milliseconds; give one time to come
            assertEquals(0, LedgerRows.count(refused), "a refused request is not an upstream error");
            Thread.sleep(50);
        }
    }

    @Test
    void withoutAltSseTheStreamIsAJsonArray() {
        upstreamAnswers("/v1/chat/completions", "text/event-stream", STREAM.getBytes(StandardCharsets.UTF_8));

        JsonNode array = tree(gemini("/v1beta/models/gpt-test:streamGenerateContent",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}").then().statusCode(200)
                .header("Content-Type", containsString("application/json")).extract().asString());

        assertEquals(3, array.size(), array.toString());
        assertEquals("Hel", array.at("/0/candidates/0/content/parts/0/text").asText());
        assertEquals("STOP", array.at("/2/candidates/0/finishReason").asText());
        assertEquals(12, array.at("/2/usageMetadata/promptTokenCount").asInt());
    }

    // ---- OpenAI client, Gemini upstream ----

    @Test
    void openAiClientToGeminiUpstream() {
        upstreamAnswers(GEMINI_GENERATE, "application/json", Golden.bytes("gemini/generate-response-basic.json"));

        String request = new String(Golden.bytes("openai/chat-request-tools.json"), StandardCharsets.UTF_8)
                .replace("\"gpt-4.1\"", "\"gemini-test\"");
        JsonNode completion = tree(given().header("Authorization", "Bearer " + MASTER).contentType("application/json")
                .body(request).post("/v1/chat/completions").then().statusCode(200).extract().asString());

        upstream.verify(postRequestedFor(urlEqualTo(GEMINI_GENERATE))
                .withHeader("x-goog-api-key", equalTo(Upstreams.UPSTREAM_KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(new String(Golden.bytes("gemini/generate-request-from-openai-tools.json"),
                        StandardCharsets.UTF_8))));
        assertEquals("The capital of New Zealand is Wellington. 🙂", completion.at("/choices/0/message/content").asText());
        assertEquals("stop", completion.at("/choices/0/finish_reason").asText());
        assertEquals(1045, completion.at("/usage/prompt_tokens").asInt());
        assertEquals(1024, completion.at("/usage/prompt_tokens_details/cached_tokens").asInt());
        assertEquals(59, completion.at("/usage/completion_tokens").asInt());
        assertEquals(48, completion.at("/usage/completion_tokens_details/reasoning_tokens").asInt());
    }

    @Test
    void openAiClientStreamsFromGeminiUpstream() {
        upstreamAnswers(GEMINI_STREAM, "text/event-stream", Golden.bytes("gemini/stream-basic.sse"));

        String body = given().header("Authorization", "Bearer " + MASTER).contentType("application/json")
                .body("{\"model\":\"gemini-test\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();

        upstream.verify(postRequestedFor(urlEqualTo(GEMINI_STREAM)).withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}")));
        assertTrue(body.contains("\"content\":\"Wellington is the capital\""), body);
        assertTrue(body.contains("\"prompt_tokens\":1045"), body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    // ---- Gemini on both ends ----

    @Test
    void geminiToGeminiPassesBytesThrough() {
        byte[] answer = Golden.bytes("gemini/generate-response-tool-calls.json");
        upstreamAnswers(GEMINI_GENERATE, "application/json", answer);
        String request = new String(Golden.bytes("gemini/generate-request-tools.json"), StandardCharsets.UTF_8);

        byte[] body = gemini("/v1beta/models/gemini-test:generateContent", request).then().statusCode(200).extract()
                .asByteArray();

        assertArrayEquals(answer, body);
        upstream.verify(postRequestedFor(urlEqualTo(GEMINI_GENERATE)).withRequestBody(equalToJson(request)));
    }

    @Test
    void geminiStreamToGeminiPassesBytesThrough() {
        byte[] stream = Golden.bytes("gemini/stream-tool-calls.sse");
        upstreamAnswers(GEMINI_STREAM, "text/event-stream", stream);

        byte[] body = given().header("x-goog-api-key", MASTER).contentType("application/json")
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Weather?\"}]}]}")
                .post("/v1beta/models/gemini-test:streamGenerateContent?alt=sse").then().statusCode(200)
                .header("Content-Type", containsString("text/event-stream")).extract().asByteArray();

        assertArrayEquals(stream, body);
    }

    @Test
    void geminiStreamErrorAfter200ReachesTheClientAsABareErrorObject() {
        upstreamAnswers(GEMINI_STREAM, "text/event-stream", Golden.bytes("gemini/stream-error-after-200.sse"));

        String body = gemini("/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
                "{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}").then().statusCode(200).extract().asString();

        assertTrue(body.endsWith("\r\n\r\n{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try "
                + "again later.\",\"status\":\"UNAVAILABLE\"}}\n"), body);
    }

    // ---- countTokens and models ----

    @Test
    void countTokensAsksAGeminiUpstreamAndEstimatesForOthers() {
        upstreamAnswers("/v1beta/models/gemini-2.5-flash:countTokens", "application/json",
                "{\"totalTokens\":31,\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":31}]}"
                        .getBytes(StandardCharsets.UTF_8));
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"How many tokens is this?\"}]}]}";

        gemini("/v1beta/models/gemini-test:countTokens", body).then().statusCode(200)
                .header("x-tokenledger-token-count", "provider").body("totalTokens", org.hamcrest.Matchers.is(31));
        upstream.verify(postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:countTokens"))
                .withRequestBody(equalToJson("{\"generateContentRequest\":{\"model\":\"models/gemini-2.5-flash\","
                        + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"How many tokens is this?\"}]}]}}")));

        int estimated = gemini("/v1beta/models/gpt-test:countTokens", body).then().statusCode(200)
                .header("x-tokenledger-token-count", "estimated").extract().path("totalTokens");
        assertTrue(estimated > 5 && estimated < 30, "estimate " + estimated);
    }

    @Test
    void modelsAreListedInGeminisShape() {
        given().header("x-goog-api-key", MASTER).get("/v1beta/models").then().statusCode(200)
                .body("models.name", hasItems("models/gemini-test", "models/gpt-test", "models/gmock/gemini-2.5-flash"))
                .body("models[0].supportedGenerationMethods", hasItems("generateContent", "streamGenerateContent"));
        given().header("x-goog-api-key", MASTER).get("/v1beta/models/gemini-test").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.is("models/gemini-test"));
        given().header("x-goog-api-key", MASTER).get("/v1beta/models/no-such-model").then().statusCode(404)
                .body("error.status", org.hamcrest.Matchers.is("NOT_FOUND"));
    }
}
