package dev.tokenledger.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tokenledger.auth.VirtualKeys;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.tokenledger.testing.BillQuoteReprice.ledgerRow;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenancy, virtual keys and the ledger against the real PostgreSQL: the key lifecycle, hash-only storage, and one
 * priced ledger row per request, streamed or not, with an unknown price recorded as unknown.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class LedgerAndKeysTest {

    static final String MASTER = OpenAiFixtures.MASTER;
    static String teamId;

    @BeforeEach
    void setUp() {
        Upstreams.wireMock().resetAll();
        if (teamId == null) {
            String orgId = admin().body(Map.of("name", "acme-" + System.nanoTime())).post("/admin/v1/orgs")
                    .then().statusCode(201).extract().path("id");
            teamId = admin().body(Map.of("name", "research", "orgId", orgId)).post("/admin/v1/teams")
                    .then().statusCode(201).extract().path("id");
            // a negotiated rate for the test provider: input 2.50, cache read 1.25, output 10 per million tokens
            OpenAiFixtures.priceMockModel();
        }
    }

    static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + MASTER).contentType(ContentType.JSON);
    }

    static JsonPath createKey(Map<String, Object> body) {
        return admin().body(body).post("/admin/v1/keys").then().statusCode(201).extract().jsonPath();
    }

    static Response chat(String key, String model, boolean stream) {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", stream ? "text/event-stream" : "application/json")
                .withBody(stream ? OpenAiFixtures.STREAM : OpenAiFixtures.COMPLETION)));
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
    }

    @Test
    void keyIsShownOnceAndStoredOnlyAsItsHash() throws Exception {
        JsonPath created = createKey(Map.of("name", "ci", "teamId", teamId));
        String key = created.getString("key");
        assertTrue(VirtualKeys.wellFormed(key), key);
        assertTrue(key.matches(VirtualKeys.PATTERN.replace("\\b", "")), key);
        assertEquals(key.substring(0, 9), created.getString("prefix"));

        String listed = admin().get("/admin/v1/keys?teamId=" + teamId).then().statusCode(200).extract().asString();
        assertFalse(listed.contains(key), "a listed key must not show the key");

        try (Connection db = DriverManager.getConnection(dev.tokenledger.testing.TestDb.JDBC_URL, "postgres", "");
                ResultSet rs = db.createStatement().executeQuery("SELECT * FROM api_key WHERE id = '"
                        + created.getString("id") + "'")) {
            assertTrue(rs.next());
            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                String value = rs.getString(c);
                assertFalse(value != null && value.contains(key.substring(3, 20)),
                        "column " + rs.getMetaData().getColumnName(c) + " holds the key");
            }
            // under the key pepper of the test profile, never the master key
            assertEquals(VirtualKeys.hash("tl-test-key-pepper", key), rs.getString("key_hash"));
            assertNotEquals(VirtualKeys.hash(MASTER, key), rs.getString("key_hash"));
            assertNotEquals(key, rs.getString("key_hash"));
        }
    }

    @Test
    void nonStreamingRequestIsPricedAndRecordedOnce() throws Exception {
        String key = createKey(Map.of("name", "app", "teamId", teamId)).getString("key");
        Response response = chat(key, "gpt-test", false);
        // 19 input x 2.50 + 3 output x 10 per million = 0.0000775 USD = 78 micro-USD after rounding half up
        response.then().statusCode(200).header("x-tokenledger-cost-usd", "0.0000775");
        String requestId = response.header("x-request-id");

        JsonPath row = ledgerRow(requestId);
        assertEquals(19, row.getInt("inputTokens"));
        assertEquals(19, row.getInt("inputUncached"));
        assertEquals(3, row.getInt("outputTokens"));
        assertEquals(78, row.getLong("costMicros"));
        assertEquals("0.0000775", new java.math.BigDecimal(row.getString("costExact")).stripTrailingZeros().toPlainString());
        assertEquals("priced", row.getString("priceStatus"));
        assertEquals("provider", row.getString("usageSource"));
        assertEquals("ok", row.getString("status"));
        assertEquals(teamId, row.getString("teamId"));
        assertEquals(false, row.getBoolean("streamed"));
        assertTrue(row.getLong("priceVersionId") > 0);
    }

    @Test
    void streamedRequestIsPricedWithCachedTokensInTheirCategory() throws Exception {
        String key = createKey(Map.of("name", "stream", "teamId", teamId)).getString("key");
        Response response = chat(key, "gpt-test", true);
        response.then().statusCode(200);
        // prompt 12 of which 8 cached, output 4: 4 x 2.50 + 8 x 1.25 + 4 x 10 = 60 per million = 60 micro-USD
        JsonPath row = ledgerRow(response.header("x-request-id"));
        assertEquals(12, row.getInt("inputTokens"));
        assertEquals(4, row.getInt("inputUncached"));
        assertEquals(8, row.getInt("cacheReadTokens"));
        assertEquals(4, row.getInt("outputTokens"));
        assertEquals(60, row.getLong("costMicros"));
        assertEquals(true, row.getBoolean("streamed"));
    }

    @Test
    void unknownPriceIsRecordedAsUnknownNeverZero() throws Exception {
        String key = createKey(Map.of("name", "unpriced", "teamId", teamId)).getString("key");
        Response response = chat(key, "mock/model-without-a-price", false);
        response.then().statusCode(200).header("x-tokenledger-cost-usd", "unknown");
        JsonPath row = ledgerRow(response.header("x-request-id"));
        assertEquals("unpriced", row.getString("priceStatus"));
        assertNull(row.get("costMicros"));
        assertNull(row.get("costExact"));
        assertEquals(19, row.getInt("inputTokens"));
        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("tokenledger_unpriced_requests_total{model=\"model-without-a-price\",provider=\"openai\"}"),
                metrics);
    }

    @Test
    void allowListRefusesOtherModelsWith403() {
        String key = createKey(Map.of("name", "narrow", "teamId", teamId, "models", java.util.List.of("gpt-test")))
                .getString("key");
        chat(key, "gpt-test", false).then().statusCode(200);
        chat(key, "mock/gpt-4o", false).then().statusCode(403).body("error.type", is("permission_error"));
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200)
                .body("data.id", org.hamcrest.Matchers.contains("gpt-test"));
    }

    @Test
    void rotateRevokeDisableAndExpire() throws Exception {
        JsonPath first = createKey(Map.of("name", "rotating", "teamId", teamId));
        String oldKey = first.getString("key");
        chat(oldKey, "gpt-test", false).then().statusCode(200);

        JsonPath rotated = admin().post("/admin/v1/keys/" + first.getString("id") + "/rotate").then().statusCode(201)
                .body("rotatedFrom", is(first.getString("id"))).body("key", notNullValue()).extract().jsonPath();
        chat(oldKey, "gpt-test", false).then().statusCode(401);
        String newKey = rotated.getString("key");
        chat(newKey, "gpt-test", false).then().statusCode(200);

        admin().post("/admin/v1/keys/" + rotated.getString("id") + "/disable").then().statusCode(200).body("status",
                is("disabled"));
        chat(newKey, "gpt-test", false).then().statusCode(401).body("error.message", matchesPattern(".*disabled.*"));
        admin().post("/admin/v1/keys/" + rotated.getString("id") + "/enable").then().statusCode(200);
        chat(newKey, "gpt-test", false).then().statusCode(200);

        admin().delete("/admin/v1/keys/" + rotated.getString("id")).then().statusCode(200).body("status", is("revoked"));
        chat(newKey, "gpt-test", false).then().statusCode(401);

        String expiring = createKey(Map.of("name", "short", "teamId", teamId, "expiresAt",
                OffsetDateTime.now().plusSeconds(2).toString())).getString("key");
        chat(expiring, "gpt-test", false).then().statusCode(200);
        Thread.sleep(2500);
        chat(expiring, "gpt-test", false).then().statusCode(401).body("error.message", matchesPattern(".*expired.*"));
    }

    @Test
    void repriceAnswersWhatAPeriodWouldHaveCostWithoutChangingIt() throws Exception {
        String key = createKey(Map.of("name", "whatif", "teamId", teamId)).getString("key");
        long version = admin().body(Map.of("provider", "mock", "model", "gpt-4o-mini-2024-07-18", "effectiveFrom",
                "2999-01-01T00:00:00Z", "prices", Map.of("inputMtok", "5", "outputMtok", "20"), "reason", "what if doubled"))
                .post("/admin/v1/prices").then().statusCode(201).extract().jsonPath().getLong("id");
        String from = java.time.Instant.now().minusMillis(5).toString();
        Response response = chat(key, "gpt-test", false);
        response.then().statusCode(200).header("x-tokenledger-cost-usd", "0.0000775");
        JsonPath row = ledgerRow(response.header("x-request-id"));
        String to = java.time.Instant.now().plusMillis(5).toString();

        admin().body(Map.of("from", from, "to", to, "priceVersionIds", java.util.List.of(version)))
                .post("/admin/v1/usage/reprice").then().statusCode(200)
                .body("requests", is(1)).body("recordedCostUsd", is("0.0000775")).body("repricedCostUsd", is("0.000155"));
        assertEquals(78, ledgerRow(response.header("x-request-id")).getLong("costMicros"), "recorded rows never change");
        assertEquals(row.getLong("priceVersionId"), ledgerRow(response.header("x-request-id")).getLong("priceVersionId"));
    }

    @Test
    void malformedAndUnknownKeysAre401() {
        chat("tl-notakey", "gpt-test", false).then().statusCode(401);
        String typo = VirtualKeys.generate();
        chat(typo, "gpt-test", false).then().statusCode(401).body("error.type", is("authentication_error"));
    }

    @Test
    void adminApiNeedsTheMasterKeyOrAToken() {
        given().get("/admin/v1/orgs").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get("/admin/v1/orgs").then().statusCode(401);
        admin().get("/admin/v1/orgs").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(org.hamcrest.Matchers.containsString("/admin/v1/keys"));
    }
}
