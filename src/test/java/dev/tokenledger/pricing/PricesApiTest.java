package dev.tokenledger.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The price catalogue through the admin API: versions chosen by time, append-only, imports then quotes. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class PricesApiTest {

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    static Map<String, Object> quote(String provider, String model, String at, long input, long output, long reasoning) {
        return Map.of("provider", provider, "model", model, "at", at, "usage", Map.of("input_tokens", input,
                "cached_input_tokens", 0, "cache_write_tokens", 0, "output_tokens", output, "reasoning_tokens", reasoning));
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = PricesApiTest.class.getResourceAsStream("/pricing/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theVersionInForceAtTheRequestTimePricesIt() {
        long v1 = admin().body(Map.of("provider", "acme-test", "model", "m1", "effectiveFrom", "2025-01-01T00:00:00Z",
                "prices", Map.of("inputMtok", "1", "outputMtok", "2"), "reason", "launch")).post("/admin/v1/prices")
                .then().statusCode(201).body("createdBy", is("master-key")).extract().jsonPath().getLong("id");
        long v2 = admin().body(Map.of("provider", "acme-test", "model", "m1", "effectiveFrom", "2026-01-01T00:00:00Z",
                "prices", Map.of("inputMtok", "3", "outputMtok", "4"), "reason", "price rise")).post("/admin/v1/prices")
                .then().statusCode(201).extract().jsonPath().getLong("id");

        admin().body(quote("acme-test", "m1", "2025-06-01T00:00:00Z", 1_000_000, 1_000_000, 0)).post("/admin/v1/prices/quote")
                .then().statusCode(200).body("costUsd", is("3")).body("costMicros", is(3_000_000))
                .body("priceVersionId", is((int) v1));
        admin().body(quote("acme-test", "m1", "2026-06-01T00:00:00Z", 1_000_000, 1_000_000, 0)).post("/admin/v1/prices/quote")
                .then().statusCode(200).body("costUsd", is("7")).body("priceVersionId", is((int) v2));
        admin().body(quote("acme-test", "m1", "2024-06-01T00:00:00Z", 1, 1, 0)).post("/admin/v1/prices/quote")
                .then().statusCode(404);
        admin().get("/admin/v1/prices/acme-test/m1/versions").then().statusCode(200)
                .body("size()", is(2)).body("[0].id", is((int) v2)).body("[1].reason", is("launch"));
    }

    @Test
    void versionsAreAppendOnly() {
        admin().body(Map.of("provider", "acme-test", "model", "m2", "effectiveFrom", "2025-01-01T00:00:00Z",
                "prices", Map.of("inputMtok", "1", "outputMtok", "2"), "reason", "launch")).post("/admin/v1/prices")
                .then().statusCode(201);
        admin().body(Map.of("provider", "acme-test", "model", "m2", "effectiveFrom", "2025-01-01T00:00:00Z",
                "prices", Map.of("inputMtok", "9", "outputMtok", "9"), "reason", "rewrite history")).post("/admin/v1/prices")
                .then().statusCode(409);
        admin().body(Map.of("provider", "acme-test", "model", "m3", "prices", Map.of("inputMtok", "1"), "reason", "x"))
                .post("/admin/v1/prices").then().statusCode(400).body("error.param", is("prices"));
    }

    /**
     * Ledger rows name the version that priced them by id, without a foreign key (V320): the database itself keeps the
     * catalogue append-only, so no row's version can disappear or change its id.
     */
    @Test
    void theDatabaseRefusesToDeleteOrRenumberAVersion() throws SQLException {
        long id = admin().body(Map.of("provider", "acme-test", "model", "m4", "effectiveFrom", "2025-01-01T00:00:00Z",
                "prices", Map.of("inputMtok", "1", "outputMtok", "2"), "reason", "launch")).post("/admin/v1/prices")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                Statement sql = db.createStatement()) {
            for (String change : new String[]{"DELETE FROM price_version WHERE id = " + id,
                    "UPDATE price_version SET id = -id WHERE id = " + id, "TRUNCATE price_version CASCADE"}) {
                SQLException refused = assertThrows(SQLException.class, () -> sql.execute(change), change);
                assertEquals("23001", refused.getSQLState(), change);
            }
            // what is not the version's identity may still change
            assertEquals(1, sql.executeUpdate("UPDATE price_version SET reason = 'launch' WHERE id = " + id));
            try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM price_version WHERE id = " + id)) {
                rows.next();
                assertEquals(1, rows.getInt(1));
            }
        }
    }

    @Test
    void liteLlmImportThenQuote() throws IOException {
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(fixture("litellm-model-prices.json")).post("/admin/v1/prices/import?format=litellm")
                .then().statusCode(200); // added or, when another test imported it first, unchanged
        // 1,000 input x 0.15 + (2,000 - 1,000 reasoning) output x 0.60 + 1,000 reasoning x 3.50 per million = 4,250 micro-USD
        admin().body(quote("gemini", "gemini-2.5-flash-preview-04-17", "2099-01-01T00:00:00Z", 1000, 2000, 1000))
                .post("/admin/v1/prices/quote").then().statusCode(200).body("costMicros", is(4250))
                .body("breakdown.reasoning", is("0.0035"));
    }

    @Test
    void genaiPricesImportKeepsDatedVersionsThenQuotes() throws IOException {
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(fixture("genai-prices-v2.json")).post("/admin/v1/prices/import?format=genai-prices")
                .then().statusCode(200).body("unchanged", greaterThanOrEqualTo(0));
        // before 2026-03-13 the tier above 200k applies to all tokens: 250,000 x 10 + 1,000 x 37.50 = 2,537,500 micro-USD
        admin().body(quote("anthropic", "claude-opus-4-6", "2026-01-01T00:00:00Z", 250_000, 1000, 0))
                .post("/admin/v1/prices/quote").then().statusCode(200).body("costMicros", is(2_537_500));
        // from 2026-03-13 the price is flat: 250,000 x 5 + 1,000 x 25 = 1,275,000 micro-USD
        admin().body(quote("anthropic", "claude-opus-4-6", "2026-06-01T00:00:00Z", 250_000, 1000, 0))
                .post("/admin/v1/prices/quote").then().statusCode(200).body("costMicros", is(1_275_000));
    }

    @Test
    void importingTheSameFileTwiceChangesNothing() throws IOException {
        byte[] file = fixture("litellm-model-prices.json");
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(file).post("/admin/v1/prices/import?format=litellm").then().statusCode(200);
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(Map.of("provider", "gemini", "model", "gemini-2.5-flash-preview-04-17", "prices", Map.of("inputMtok",
                        "0.15", "outputMtok", "0.6", "reasoningMtok", "3.5"), "reason", "same prices, other scale"))
                .post("/admin/v1/prices").then().statusCode(201);
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json").body(file)
                .post("/admin/v1/prices/import?format=litellm").then().statusCode(200)
                .body("added", is(0)).body("changed", is(0));
    }

    @Test
    void aDryRunReportsTheDiffAndWritesNothing() {
        String model = "dry-run-" + System.nanoTime();
        String file = """
                [{"id": "acme-dry", "models": [{"id": "%s", "prices": [
                  {"prices": {"input_mtok": 2.50, "output_mtok": 10, "web_searches_kcount": 10}},
                  {"constraint": {"start_time": "01:00:00Z", "end_time": "04:00:00Z", "type": "time_of_date"},
                   "prices": {"input_mtok": 5, "output_mtok": 20, "web_searches_kcount": 10}}]}]}]
                """.formatted(model);
        admin().body(file).post("/admin/v1/prices/import?format=genai-prices&dryRun=true").then().statusCode(200)
                .body("dryRun", is(true)).body("added", is(2)).body("changes.size()", is(2))
                .body("changes[1].timeOfDay", is("01:00:00Z-04:00:00Z")).body("changes[0].kind", is("added"));
        admin().get("/admin/v1/prices/acme-dry/" + model + "/versions").then().statusCode(200).body("size()", is(0));

        admin().body(file).post("/admin/v1/prices/import?format=genai-prices").then().statusCode(200)
                .body("dryRun", is(false)).body("added", is(2));
        admin().get("/admin/v1/prices/acme-dry/" + model + "/versions").then().statusCode(200).body("size()", is(2));
        // the same prices written with other scales: nothing to add
        admin().body(file.replace("2.50", "2.5").replace(": 10,", ": 10.0,"))
                .post("/admin/v1/prices/import?format=genai-prices").then().statusCode(200)
                .body("added", is(0)).body("changed", is(0)).body("unchanged", is(2));
        // a new price is a change from now, and the dry run says so first
        admin().body(file.replace("2.50", "2.75")).post("/admin/v1/prices/import?format=genai-prices&dryRun=true")
                .then().statusCode(200).body("changed", is(2)).body("changes[0].kind", is("changed"));
        admin().get("/admin/v1/prices/acme-dry/" + model + "/versions").then().statusCode(200).body("size()", is(2));
    }

    @Test
    void everyCatalogueChangeIsAnnouncedToTheOtherReplicas() throws IOException {
        String model = "announced-" + System.nanoTime();
        try (TestDb.Subscription changes = TestDb.subscribe("tokenledger:changes:" + TestDb.REDIS_DB)) {
            admin().body(Map.of("provider", "acme-test", "model", model, "effectiveFrom", "2025-01-01T00:00:00Z",
                    "prices", Map.of("inputMtok", "1", "outputMtok", "2"), "reason", "launch")).post("/admin/v1/prices")
                    .then().statusCode(201);
            assertPricesAnnounced(changes, "a version added");

            String file = """
                    [{"id": "acme-test", "models": [{"id": "%s-import", "prices": {"input_mtok": 3, "output_mtok": 4}}]}]
                    """.formatted(model);
            admin().body(file).post("/admin/v1/prices/import?format=genai-prices").then().statusCode(200)
                    .body("added", is(1));
            assertPricesAnnounced(changes, "an import");
        }
    }

    private static void assertPricesAnnounced(TestDb.Subscription changes, String after) throws IOException {
        for (String message; (message = changes.next(Duration.ofSeconds(5))) != null;) {
            if (message.contains("|PRICES")) {
                return;
            }
        }
        throw new AssertionError("no price change announced to the other replicas after " + after);
    }

    @Test
    void unknownImportFormatIs400() {
        admin().body("{}").post("/admin/v1/prices/import?format=csv").then().statusCode(400).body("error.param", is("format"));
    }
}
