package dev.tokenledger.pricing;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.BillQuoteReprice;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metering end to end: a programmable upstream answers with usage in every unit (1-hour cache writes, web searches,
 * audio, images, reasoning, service tiers) in each provider's own shape, streamed and not, through passthrough and
 * translation. For every request the ledger row's cost equals the quote of the same usage, the reprice of the row
 * equals it too (to 1e-6 USD), and the quote equals the hand-computed value of
 * {@code src/test/resources/pricing/expected-costs.json}.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class MeteringEndToEndTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static JsonNode fixture;

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    private static synchronized JsonNode fixture() throws IOException {
        if (fixture == null) {
            fixture = MAPPER.readTree(Fixtures.open("expected-costs.json"));
            for (JsonNode entry : fixture.get("catalogue")) {
                Map<String, Object> body = new HashMap<>(MAPPER.convertValue(entry, Map.class));
                body.put("effectiveFrom", "2020-01-01T00:00:00Z");
                body.put("reason", "metering end-to-end test catalogue");
                int status = admin().body(body).post("/admin/v1/prices").statusCode();
                assertTrue(status == 201 || status == 409, "catalogue entry " + entry + ": " + status);
            }
        }
        return fixture;
    }

    /** One answer for every request whose path matches a regular expression. */
    private static void upstream(String path, String contentType, String body) {
        Upstreams.wireMock().resetAll();
        Upstreams.wireMock().stubFor(post(urlPathMatching(path)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    private static Response openAi(String model, boolean stream) {
        return admin().body("{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").post("/v1/chat/completions");
    }

    private static Response anthropic(String model, boolean stream) {
        return given().header("x-api-key", OpenAiFixtures.MASTER).header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON).body("{\"model\":\"" + model + "\",\"max_tokens\":1024,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
    }

    /** Sends one request, then checks bill == quote == reprice (the one pricing path) == expected; returns the row. */
    private JsonPath check(String name, Response response) throws Exception {
        BillQuoteReprice.Checked checked = BillQuoteReprice.check(name, response);
        String expected = fixture().get("cases").get(name).get("costUsd").textValue();
        assertEquals(0, new BigDecimal(expected).compareTo(checked.billed()),
                name + ": bill (= quote = reprice) " + checked.billed() + " expected " + expected);
        return checked.row();
    }

    @Test
    void anthropicPassthroughAndTranslated() throws Exception {
        fixture();
        upstream("/v1/messages", "application/json", """
                {"id":"msg_1","type":"message","role":"assistant","model":"e2e-sonnet",
                 "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":1000,"cache_read_input_tokens":20000,"cache_creation_input_tokens":3000,
                  "cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":1000},
                  "output_tokens":500,"service_tier":"standard"}}""");
        JsonPath a = check("anthropic-worked-example-A", anthropic("anthropic-mock/e2e-sonnet", false));
        assertEquals(1000, ((Number) a.getMap("usageUnits").get("cache_write_1h")).longValue());
        assertNull(a.getString("serviceTier"), "the default tier is recorded as none");
        assertEquals("exact", a.getString("priceMatch"));

        upstream("/v1/messages", "text/event-stream", anthropicStream(250_000, 1000, 0));
        check("anthropic-worked-example-B-stream", anthropic("anthropic-mock/e2e-sonnet", true));

        upstream("/v1/messages", "text/event-stream", anthropicStream(200_000, 1000, 0));
        check("anthropic-worked-example-C-stream", openAi("anthropic-mock/e2e-sonnet", true));

        upstream("/v1/messages", "text/event-stream", anthropicStream(1000, 500, 3));
        JsonPath searches = check("anthropic-web-search-translated-stream", openAi("anthropic-mock/e2e-sonnet", true));
        assertEquals(3, ((Number) searches.getMap("usageUnits").get("web_searches")).longValue());

        // Bedrock (Converse): inputTokens excludes the cache; one-hour writes in cacheDetails; priced from aws
        upstream("/sc-bedrock/model/[^/]+/converse", "application/json",
                """
                        {"output":{"message":{"role":"assistant","content":[{"text":"Hi"}]}},"stopReason":"end_turn",
                         "usage":{"inputTokens":1000,"outputTokens":500,"totalTokens":24500,"cacheReadInputTokens":20000,
                          "cacheWriteInputTokens":3000,"cacheDetails":[{"ttl":"5m","inputTokens":2000},{"ttl":"1h","inputTokens":1000}]},
                         "metrics":{"latencyMs":1}}""");
        JsonPath bedrock = check("bedrock-converse", openAi("sc-bedrock", false));
        assertEquals("aws", bedrock.getString("priceProvider"));
        assertEquals(1000, ((Number) bedrock.getMap("usageUnits").get("cache_write_1h")).longValue());
    }

    private static String anthropicStream(long input, long output, long searches) {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"e2e-sonnet\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + input + ",\"cache_read_input_tokens\":0,"
                + "\"cache_creation_input_tokens\":0,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + output
                + ",\"server_tool_use\":{\"web_search_requests\":" + searches + "}}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    }

    private static String openAiAnswer(String model, String usage, String tier) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
                + "\"finish_reason\":\"stop\"}],\"service_tier\":\"" + tier + "\",\"usage\":" + usage + "}";
    }

    @Test
    void openAiChatTiersAudioAzureAndOverrides() throws Exception {
        fixture();
        upstream("/v1/chat/completions", "application/json", openAiAnswer("e2e-gpt-4o", "{\"prompt_tokens\":10000,"
                + "\"completion_tokens\":2000,\"total_tokens\":12000,\"prompt_tokens_details\":{\"cached_tokens\":8000},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":1500}}", "default"));
        check("openai-worked-example-D", openAi("mock/e2e-gpt-4o", false));

        String chunk = "data: {\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"e2e-gpt-4o\","
                + "\"service_tier\":\"priority\",";
        upstream("/v1/chat/completions", "text/event-stream", chunk
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}],"
                + "\"usage\":null}\n\n" + chunk
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n" + chunk
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100,\"total_tokens\":1100}}\n\n"
                + "data: [DONE]\n\n");
        JsonPath priority = check("openai-priority-stream", openAi("mock/e2e-gpt-4o", true));
        assertEquals("priority", priority.getString("serviceTier"));

        upstream("/v1/chat/completions", "application/json", openAiAnswer("e2e-gpt-4o", "{\"prompt_tokens\":1600,"
                + "\"completion_tokens\":230,\"total_tokens\":1830,\"prompt_tokens_details\":{\"audio_tokens\":1000},"
                + "\"completion_tokens_details\":{\"audio_tokens\":180}}", "default"));
        check("openai-audio", openAi("mock/e2e-gpt-4o", false));

        upstream("/azure/openai/deployments/e2e-gpt-4o-deployment/chat/completions", "application/json",
                openAiAnswer("gpt-4o-2024-11-20", "{\"prompt_tokens\":1000,\"completion_tokens\":100,"
                        + "\"total_tokens\":1100}", "default"));
        JsonPath azure = check("azure", openAi("azure-mock/e2e-gpt-4o-deployment", false));
        assertEquals("azure", azure.getString("priceProvider"));

        upstream("/v1/chat/completions", "application/json", openAiAnswer("e2e-negotiated", "{\"prompt_tokens\":1000,"
                + "\"completion_tokens\":1000,\"total_tokens\":2000}", "default"));
        check("negotiated-rate", openAi("mock/e2e-negotiated", false));

        // a price-provider override: house-mock is of type openai but priced from the catalogue provider e2e-house
        upstream("/house/v1/chat/completions", "application/json", openAiAnswer("e2e-house-model", "{\"prompt_tokens\":"
                + "10000,\"completion_tokens\":1000,\"total_tokens\":11000,\"prompt_tokens_details\":{\"cached_tokens\":"
                + "2000,\"image_tokens\":3000},\"completion_tokens_details\":{\"reasoning_tokens\":400}}", "default"));
        JsonPath house = check("price-provider-override", openAi("house-mock/e2e-house-model", false));
        assertEquals("e2e-house", house.getString("priceProvider"));
        assertEquals(3000, ((Number) house.getMap("usageUnits").get("input_image")).longValue());
    }

    @Test
    void geminiTypeProviderNotNamedGoogleAndOllama() throws Exception {
        fixture();
        upstream("/v1beta/models/e2e-flash:generateContent", "application/json", """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":100000,"candidatesTokenCount":200,"totalTokenCount":100200,
                  "promptTokensDetails":[{"modality":"TEXT","tokenCount":10000},{"modality":"AUDIO","tokenCount":90000}]},
                 "modelVersion":"e2e-flash"}""");
        JsonPath audio = check("gemini-audio", openAi("gmock/e2e-flash", false));
        assertEquals("google", audio.getString("priceProvider"));

        upstream("/v1beta/models/e2e-flash:streamGenerateContent", "text/event-stream",
                """
                        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0}],"modelVersion":"e2e-flash"}

                        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"!"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":2000,"candidatesTokenCount":300,"thoughtsTokenCount":200,"totalTokenCount":2500,"promptTokensDetails":[{"modality":"TEXT","tokenCount":1000},{"modality":"IMAGE","tokenCount":1000}]},"modelVersion":"e2e-flash"}

                        """);
        JsonPath images = check("gemini-stream-thoughts-images", openAi("gmock/e2e-flash", true));
        assertEquals(200, images.getLong("reasoningTokens"));

        upstream("/ollama/api/chat", "application/json", """
                {"model":"llama3.2","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"Hi"},
                 "done":true,"done_reason":"stop","prompt_eval_count":10,"eval_count":5}""");
        JsonPath free = check("ollama-free", openAi("ollama-mock/llama3.2", false));
        assertEquals("wildcard", free.getString("priceMatch"));
    }

    @Test
    void unknownCostStaysUnknownInAggregates() throws Exception {
        fixture();
        String from = Instant.now().minusSeconds(1).toString();
        upstream("/v1/chat/completions", "application/json", openAiAnswer("e2e-nowhere", "{\"prompt_tokens\":10,"
                + "\"completion_tokens\":10,\"total_tokens\":20}", "default"));
        openAi("mock/e2e-nowhere", false).then().statusCode(200);
        upstream("/v1/chat/completions", "application/json", openAiAnswer("e2e-negotiated", "{\"prompt_tokens\":1000,"
                + "\"completion_tokens\":1000,\"total_tokens\":2000}", "default"));
        openAi("mock/e2e-negotiated", false).then().statusCode(200);
        // usage whose parts exceed their whole cannot be priced: unknown, not free
        upstream("/v1/chat/completions", "application/json", openAiAnswer("e2e-negotiated", "{\"prompt_tokens\":10,"
                + "\"completion_tokens\":1,\"total_tokens\":11,\"prompt_tokens_details\":{\"cached_tokens\":50}}",
                "default"));
        Response corrupt = openAi("mock/e2e-negotiated", false);
        corrupt.then().statusCode(200);
        assertEquals("unpriced", BillQuoteReprice.ledgerRow(corrupt.header("x-request-id")).getString("priceStatus"));

        List<Map<String, Object>> groups = null;
        for (int i = 0; i < 100; i++) {
            groups = admin().queryParam("groupBy", "model").queryParam("from", from).get("/admin/v1/usage").then()
                    .statusCode(200).extract().jsonPath().getList("$");
            Map<String, Object> mixed = group(groups, "mock/e2e-negotiated");
            if (mixed != null && ((Number) mixed.get("requests")).intValue() >= 2
                    && group(groups, "mock/e2e-nowhere") != null) {
                break;
            }
            Thread.sleep(50);
        }
        Map<String, Object> unknown = group(groups, "mock/e2e-nowhere");
        assertTrue(unknown.containsKey("costUsd"));
        assertNull(unknown.get("costUsd"), unknown.toString());
        assertEquals(1, ((Number) unknown.get("unpricedRequests")).intValue());
        assertEquals(false, unknown.get("costComplete"));

        Map<String, Object> mixed = group(groups, "mock/e2e-negotiated");
        assertEquals("0.003", mixed.get("costUsd"), mixed.toString());
        assertEquals(1, ((Number) mixed.get("unpricedRequests")).intValue());
        assertFalse((Boolean) mixed.get("costComplete"));
    }

    private static Map<String, Object> group(List<Map<String, Object>> groups, String name) {
        return groups.stream().filter(g -> name.equals(g.get("group"))).findFirst().orElse(null);
    }
}
