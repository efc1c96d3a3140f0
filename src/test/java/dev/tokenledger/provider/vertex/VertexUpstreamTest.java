package dev.tokenledger.provider.vertex;

import java.net.URL;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.Await;
import dev.tokenledger.testing.BillQuoteReprice;
import dev.tokenledger.testing.LedgerRows;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.OpenAiSdk;
import dev.tokenledger.testing.TestDb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vertex AI against a stand-in of Google's token endpoint (which verifies the JWT assertion's RS256 signature with the
 * test key's public half) and of Vertex: a service-account key stored through the admin API, its access token refreshed
 * before it expires, Gemini and Claude models chat and stream through the official OpenAI SDK, the exact outbound
 * paths, headers and bodies, and each model billed under its own catalogue provider at the admin quote's price.
 */
@QuarkusTest
@QuarkusTestResource(value = VertexUpstreams.class, restrictToAnnotatedClass = true)
class VertexUpstreamTest {

    static final String GEMINI = "gemini-2.5-flash";
    static final String CLAUDE = "claude-sonnet-4-5@20250929";
    static final String BEARER = "Bearer ya29\\.(first|second)";
    static final ObjectMapper JSON = new ObjectMapper();
    static volatile String credentialId;

    @TestHTTPResource("/v1")
    URL gateway;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    static String path(String publisher, String model, String method) {
        return "/vertex/v1/projects/" + VertexUpstreams.PROJECT + "/locations/" + VertexUpstreams.LOCATION
                + "/publishers/" + publisher + "/models/" + model + ":" + method;
    }

    static Map<String, Object> key(java.security.KeyPair pair) {
        return Map.of("type", "service_account", "project_id", VertexUpstreams.PROJECT, "private_key_id",
                VertexUpstreams.KEY_ID, "private_key", VertexUpstreams.pem(pair), "client_email", VertexUpstreams.EMAIL,
                "client_id", "1234567890", "token_uri", VertexUpstreams.tokenUri(), "universe_domain",
                "googleapis.com");
    }

    /** The service-account credential every test serves with, stored once. */
    static synchronized String credential() {
        if (credentialId == null) {
            stubVertex();
            Response created = admin().body(Map.of("provider", "vertex", "label", "sa", "serviceAccount",
                    key(VertexUpstreams.KEY))).post("/admin/v1/credentials");
            created.then().statusCode(201);
            assertEquals("service-account", created.jsonPath().getString("kind"));
            assertFalse(created.asString().contains("PRIVATE KEY"), "the key is never shown");
            credentialId = created.jsonPath().getString("id");
        }
        return credentialId;
    }

    static void stubVertex() {
        VertexUpstreams.server().stubFor(post(urlEqualTo(path("google", GEMINI, "generateContent")))
                .withHeader("Authorization", matching(BEARER)).willReturn(okJson("""
                        {"candidates":[{"content":{"role":"model","parts":[{"text":"Hello from Gemini"}]},
                         "finishReason":"STOP","index":0}],
                         "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":5,"totalTokenCount":17,
                         "trafficType":"ON_DEMAND"},"modelVersion":"gemini-2.5-flash","responseId":"r-1"}""")));
        VertexUpstreams.server().stubFor(post(urlEqualTo(path("google", GEMINI, "streamGenerateContent?alt=sse")))
                .withHeader("Authorization", matching(BEARER)).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream").withBody(
                                """
                                        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"Gem"}]},"index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1,"totalTokenCount":13},"responseId":"r-2"}

                                        data: {"candidates":[{"content":{"role":"model","parts":[{"text":"ini"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":2,"totalTokenCount":14},"responseId":"r-2"}

                                        """)));
        VertexUpstreams.server().stubFor(post(urlEqualTo(path("anthropic", CLAUDE, "rawPredict")))
                .withHeader("Authorization", matching(BEARER)).willReturn(okJson("""
                        {"id":"msg_v1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                         "content":[{"type":"text","text":"Hello from Claude"}],"stop_reason":"end_turn",
                         "stop_sequence":null,"usage":{"input_tokens":20,"cache_read_input_tokens":0,
                         "cache_creation_input_tokens":0,"output_tokens":6}}""")));
        VertexUpstreams.server().stubFor(post(urlEqualTo(path("anthropic", CLAUDE, "streamRawPredict")))
                .withHeader("Authorization", matching(BEARER)).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream").withBody(
                                """
                                        event: message_start
                                        data: {"type":"message_start","message":{"id":"msg_v2","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"output_tokens":1}}}

                                        event: content_block_start
                                        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                                        event: content_block_delta
                                        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Clau"}}

                                        event: content_block_delta
                                        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"de"}}

                                        event: content_block_stop
                                        data: {"type":"content_block_stop","index":0}

                                        event: message_delta
                                        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}

                                        event: message_stop
                                        data: {"type":"message_stop"}

                                        """)));
    }

    static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        Await.untilTrue(what, max, Duration.ofMillis(50), condition);
    }

    OpenAIClient client() {
        return OpenAIOkHttpClient.builder().apiKey(OpenAiFixtures.MASTER).baseUrl(gateway.toString()).maxRetries(0)
                .build();
    }

    @Test
    void theServiceAccountTokenIsSignedVerifiedAndRefreshedBeforeItExpires() throws Exception {
        String id = credential();
        // the first access token lives 4 s: the refresher replaces it after three quarters of its life, unasked
        await("a second assertion was exchanged", Duration.ofSeconds(20), () -> OffsetDateTime.parse(admin()
                .get("/admin/v1/credentials/" + id).jsonPath().getString("expiresAt"))
                .isAfter(OffsetDateTime.now().plusMinutes(50)));
        assertEquals(2, VertexUpstreams.server().findAll(postRequestedFor(urlEqualTo("/token"))).stream()
                .filter(VertexUpstreams::validAssertion).count(), "one exchange, then one refresh");
        await("the pool sends the new token", Duration.ofSeconds(5), () -> {
            admin().body(Map.of("model", "vertex/" + GEMINI, "messages", List.of(Map.of("role", "user", "content",
                    "hi")))).post("/v1/chat/completions").then().statusCode(200);
            return "Bearer ya29.second".equals(last(path("google", GEMINI, "generateContent")).getHeader(
                    "Authorization"));
        });
        Response view = admin().get("/admin/v1/credentials/" + id);
        OffsetDateTime expires = OffsetDateTime.parse(view.jsonPath().getString("expiresAt"));
        OffsetDateTime refreshAt = OffsetDateTime.parse(view.jsonPath().getString("refreshAt"));
        assertTrue(expires.isAfter(OffsetDateTime.now().plusMinutes(50)), "an hour's token: " + expires);
        assertTrue(refreshAt.isBefore(expires.minusMinutes(4)), "refreshed before its hour ends: " + refreshAt);
        assertEquals("enabled", view.jsonPath().getString("status"));
        for (LoggedRequest exchange : VertexUpstreams.server().findAll(postRequestedFor(urlEqualTo("/token")))) {
            assertTrue(VertexUpstreams.validAssertion(exchange), "every assertion verifies with the public key");
            assertEquals("application/x-www-form-urlencoded", exchange.getHeader("Content-Type"));
        }
        // a key the token endpoint does not know: its assertion is refused, the credential needs a new key
        Response stranger = admin().body(Map.of("provider", "vertex", "label", "stranger", "serviceAccount",
                key(VertexUpstreams.rsa()))).post("/admin/v1/credentials");
        stranger.then().statusCode(201);
        String strangerId = stranger.jsonPath().getString("id");
        await("the stranger's key is refused", Duration.ofSeconds(20), () -> "needs_login".equals(admin()
                .get("/admin/v1/credentials/" + strangerId).jsonPath().getString("status")));
        assertTrue(admin().get("/admin/v1/credentials/" + strangerId).jsonPath().getString("lastError")
                .contains("invalid_grant"));
        // a broken key file is refused at once, without echoing it
        Response broken = admin().body(Map.of("provider", "vertex", "label", "broken", "serviceAccount", Map.of(
                "type", "service_account", "client_email", "x@y", "private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                        + "-----END PRIVATE KEY-----\n")))
                .post("/admin/v1/credentials");
        broken.then().statusCode(400);
        assertTrue(broken.asString().contains("serviceAccount.private_key"), broken.asString());
        assertFalse(broken.asString().contains("AAAA"));
    }

    @Test
    void geminiOnVertexChatsAndStreamsThroughTheOpenAiSdk() throws Exception {
        credential();
        ChatCompletion completion = client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("vertex/" + GEMINI).addUserMessage("Hi").build());
        assertEquals("Hello from Gemini", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(12, completion.usage().orElseThrow().promptTokens());
        assertEquals("Gemini", OpenAiSdk.streamedText(client(), "vertex/" + GEMINI));

        LoggedRequest sent = last(path("google", GEMINI, "generateContent"));
        assertTrue(sent.getHeader("Authorization").matches(BEARER), sent.getHeader("Authorization"));
        assertEquals("application/json", sent.getHeader("Accept"));
        JsonNode body = JSON.readTree(sent.getBodyAsString());
        assertEquals("user", body.path("contents").path(0).path("role").asText());
        assertEquals("Hi", body.path("contents").path(0).path("parts").path(0).path("text").asText());
        LoggedRequest streamed = last(path("google", GEMINI, "streamGenerateContent?alt=sse"));
        assertEquals("text/event-stream", streamed.getHeader("Accept"));
    }

    @Test
    void claudeOnVertexChatsAndStreamsThroughTheOpenAiSdkWithTheModelInThePath() throws Exception {
        credential();
        ChatCompletion completion = client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("vertex/" + CLAUDE).addUserMessage("Hi").maxCompletionTokens(64).build());
        assertEquals("Hello from Claude", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(20, completion.usage().orElseThrow().promptTokens());
        assertEquals("Claude", OpenAiSdk.streamedText(client(), "vertex/" + CLAUDE));

        for (String method : List.of("rawPredict", "streamRawPredict")) {
            LoggedRequest sent = last(path("anthropic", CLAUDE, method));
            assertTrue(sent.getHeader("Authorization").matches(BEARER), sent.getHeader("Authorization"));
            assertFalse(sent.containsHeader("x-api-key"));
            JsonNode body = JSON.readTree(sent.getBodyAsString());
            assertFalse(body.has("model"), "the model is in the path, not the body: " + body);
            assertEquals("vertex-2023-10-16", body.path("anthropic_version").asText());
            assertEquals("Hi", body.path("messages").path(0).path("content").path(0).path("text").asText(
                    body.path("messages").path(0).path("content").asText()));
            assertTrue(body.path("max_tokens").asInt() > 0);
            assertEquals("streamRawPredict".equals(method), body.path("stream").asBoolean(false), body.toString());
        }
        // a client of the Anthropic format passes through with only the body's model moved to the path
        given().header("x-api-key", OpenAiFixtures.MASTER).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "context-1m-2025-08-07").contentType(ContentType.JSON)
                .body("{\"model\":\"vertex/" + CLAUDE + "\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}],\"metadata\":{\"user_id\":\"u-1\"}}")
                .post("/v1/messages").then().statusCode(200);
        LoggedRequest passed = last(path("anthropic", CLAUDE, "rawPredict"));
        JsonNode body = JSON.readTree(passed.getBodyAsString());
        assertEquals("u-1", body.path("metadata").path("user_id").asText());
        assertFalse(body.has("model"));
        assertEquals("vertex-2023-10-16", body.path("anthropic_version").asText());
        assertEquals("context-1m-2025-08-07", passed.getHeader("anthropic-beta"));
    }

    @Test
    void eachModelIsBilledUnderItsOwnCatalogueProviderAtTheQuotedAndRepricedPrice() throws Exception {
        credential();
        // Vertex's regional endpoints charge 10 % above Anthropic's list price; a price of its own also tells the
        // Anthropic entry apart from the Google catalogue's entry for the same Claude model
        price("anthropic", CLAUDE, "3.3", "16.5");
        price("google", GEMINI, "0.3", "2.5");
        for (String model : List.of(CLAUDE, GEMINI)) {
            Response answer = admin().body(Map.of("model", "vertex/" + model, "max_tokens", 64, "messages",
                    List.of(Map.of("role", "user", "content", "Hi")))).post("/v1/chat/completions");
            answer.then().statusCode(200);
            Map<String, Object> row = row(answer.header("x-request-id"));
            assertEquals(CLAUDE.equals(model) ? "anthropic" : "google", row.get("price_provider"), row.toString());
            assertEquals("vertex", row.get("provider"));
            assertEquals(credential(), String.valueOf(row.get("credential_id")));
            long input = ((Number) row.get("input_tokens")).longValue();
            long output = ((Number) row.get("output_tokens")).longValue();
            assertTrue(input > 0 && output > 0, row.toString());
            // the one pricing path: bill == quote == reprice, from the publisher's catalogue provider
            BillQuoteReprice.Checked checked = BillQuoteReprice.check("vertex/" + model, answer);
            assertEquals(row.get("price_provider"), checked.row().getString("priceProvider"));
            assertTrue(checked.billed().signum() > 0);
            // a row written before the price provider was recorded reprices from the provider bound to its model
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                    java.sql.PreparedStatement u = db.prepareStatement(
                            "UPDATE usage_event SET price_provider = NULL WHERE request_id = ?")) {
                u.setString(1, answer.header("x-request-id"));
                assertEquals(1, u.executeUpdate());
            }
            java.time.Instant at = java.time.Instant.parse(checked.row().getString("createdAt"));
            io.restassured.path.json.JsonPath reprice = admin().body(Map.of("from", at.toString(), "to",
                    at.plusMillis(1).toString(), "at", at.toString())).post("/admin/v1/usage/reprice").then()
                    .statusCode(200).extract().jsonPath();
            assertEquals(0, reprice.getLong("unpricedRequests"), model + ": " + reprice.prettify());
            assertEquals(0, new java.math.BigDecimal(reprice.getString("repricedCostUsd")).compareTo(checked.billed()),
                    model + ": " + reprice.prettify());
        }
    }

    static void price(String provider, String model, String input, String output) {
        int status = admin().body(Map.of("provider", provider, "model", model, "effectiveFrom", "2020-01-02T00:00:00Z",
                "prices", Map.of("inputMtok", input, "outputMtok", output), "reason", "vertex test"))
                .post("/admin/v1/prices").then().extract().statusCode();
        assertTrue(status == 201 || status == 409, "price stored: " + status);
    }

    /** The ledger row of a request, once written. */
    static Map<String, Object> row(String requestId) throws Exception {
        return LedgerRows.await(requestId);
    }

    static LoggedRequest last(String path) {
        List<LoggedRequest> all = VertexUpstreams.server().findAll(postRequestedFor(urlEqualTo(path)));
        assertFalse(all.isEmpty(), "nothing sent to " + path);
        return all.get(all.size() - 1);
    }
}
