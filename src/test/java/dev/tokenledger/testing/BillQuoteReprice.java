package dev.tokenledger.testing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-pricing-path check of a served request, through the admin API of a running gateway: the ledger row's cost
 * (the bill) equals the quote of the row's usage for its provider and time ({@code POST /admin/v1/prices/quote}) and the
 * reprice of the row ({@code POST /admin/v1/usage/reprice}) to 1e-6 USD, with the same micro-USD, price version and
 * catalogue entry.
 */
public final class BillQuoteReprice {

    private static final BigDecimal EPSILON = new BigDecimal("0.000001");
    /** Ledger-row unit names and the quote's usage fields. */
    private static final Map<String, String> UNIT_FIELDS = Map.of("cache_write_1h", "cache_write_1h_tokens",
            "input_audio", "input_audio_tokens", "cache_audio_read", "cached_audio_tokens", "input_image",
            "input_image_tokens", "cache_image_read", "cached_image_tokens", "input_video", "input_video_tokens",
            "input_tool", "tool_prompt_tokens", "output_audio", "output_audio_tokens", "output_image",
            "output_image_tokens", "web_searches", "web_searches");

    /** What was checked: the ledger row and the billed cost (exact USD), equal to the quote and the reprice. */
    public record Checked(JsonPath row, BigDecimal billed) {
    }

    private BillQuoteReprice() {
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    /** The ledger row of a request through the admin API, once written. */
    public static JsonPath ledgerRow(String requestId) throws InterruptedException {
        assertNotNull(requestId, "the answer has no x-request-id");
        for (int i = 0; i < 200; i++) {
            Response r = admin().get("/admin/v1/ledger/" + requestId);
            if (r.statusCode() == 200) {
                return r.jsonPath();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no ledger row for " + requestId);
    }

    /** The quote usage of a ledger row: its token columns, its finer counts and its tier. */
    public static Map<String, Object> usageOf(JsonPath row) {
        Map<String, Object> usage = new HashMap<>();
        usage.put("input_tokens", row.getLong("inputTokens"));
        usage.put("cached_input_tokens", row.getLong("cacheReadTokens"));
        usage.put("cache_write_tokens", row.getLong("cacheWriteTokens"));
        usage.put("output_tokens", row.getLong("outputTokens"));
        usage.put("reasoning_tokens", row.getLong("reasoningTokens"));
        Map<String, Object> units = row.getMap("usageUnits");
        if (units != null) {
            units.forEach((key, value) -> {
                if ("micro_credits".equals(key)) {
                    // the quote takes credits as a decimal
                    usage.put("credits", BigDecimal.valueOf(((Number) value).longValue(), 6));
                } else {
                    usage.put(UNIT_FIELDS.getOrDefault(key, key), value);
                }
            });
        }
        usage.put("service_tier", row.getString("serviceTier"));
        return usage;
    }

    /** Checks a served answer's bill against its quote and its reprice; returns the row and the bill. */
    public static Checked check(String name, Response response) throws InterruptedException {
        response.then().statusCode(200);
        response.asString();
        JsonPath row = ledgerRow(response.header("x-request-id"));
        assertEquals("priced", row.getString("priceStatus"), name + ": " + row.prettify());
        BigDecimal billed = new BigDecimal(row.getString("costExact"));

        Map<String, Object> quoteBody = new HashMap<>();
        quoteBody.put("provider", row.getString("provider"));
        quoteBody.put("model", row.getString("upstreamModel"));
        quoteBody.put("at", row.getString("createdAt"));
        quoteBody.put("usage", usageOf(row));
        JsonPath quote = admin().body(quoteBody).post("/admin/v1/prices/quote").then().statusCode(200).extract()
                .jsonPath();
        BigDecimal quoted = new BigDecimal(quote.getString("costUsd"));

        Instant at = Instant.parse(row.getString("createdAt"));
        JsonPath reprice = admin().body(Map.of("from", at.toString(), "to", at.plusMillis(1).toString(), "at",
                at.toString())).post("/admin/v1/usage/reprice").then().statusCode(200).extract().jsonPath();
        BigDecimal repriced = new BigDecimal(reprice.getString("repricedCostUsd"));

        assertTrue(billed.subtract(quoted).abs().compareTo(EPSILON) < 0, name + ": bill " + billed + " quote " + quoted);
        assertTrue(repriced.subtract(billed).abs().compareTo(EPSILON) < 0, name + ": reprice " + repriced + " bill "
                + billed + " (" + reprice.prettify() + ")");
        assertEquals(quote.getLong("costMicros"), row.getLong("costMicros"), name);
        assertEquals(quote.getLong("priceVersionId"), row.getLong("priceVersionId"), name);
        assertEquals(quote.getString("priceModel"), row.getString("priceModel"), name);
        assertEquals(quote.getString("priceProvider"), row.getString("priceProvider"), name);
        return new Checked(row, billed);
    }
}
