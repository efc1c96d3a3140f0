package dev.tokenledger.pricing;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.ConfiguredModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * genai-prices' own test vectors ({@code pricing/genai-prices-vectors.json}: the usage, model and provider of a test of
 * the genai-prices repository and the total it asserts), quoted through the bundled snapshot by the one pricing path
 * ({@link Pricer#evaluate}, as the live bill, the admin quote and the reprice call it): equal to 1e-6 USD, and priced
 * by the entry genai-prices names. A case whose data differs between the bundled snapshot and the case's commit says
 * so in the fixture ({@code bundled}: the value the bundled data gives, and why).
 */
class GenaiPricesVectorsTest {

    private static final BigDecimal MICRO_USD = new BigDecimal("0.000001");

    private static Pricer pricer;
    private static JsonNode vectors;

    @BeforeAll
    static void loadTheBundledCatalogue() throws Exception {
        // the snapshot is 0.5 MB: read once for every case (each case only reads the index)
        pricer = new Pricer(PriceBook.of(DefaultCatalogueTest.stored(DefaultCatalogue.load().entries())),
                new SimpleMeterRegistry(), ConfiguredModels.none());
        try (InputStream in = Fixtures.open("genai-prices-vectors.json")) {
            vectors = PricingJson.read(in);
        }
    }

    static Stream<String> cases() throws Exception {
        try (InputStream in = Fixtures.open("genai-prices-vectors.json")) {
            List<String> names = new ArrayList<>();
            PricingJson.read(in).get("cases").forEach(c -> names.add(c.get("source").asText()));
            return names.stream();
        }
    }

    @Test
    void theVectorsNameTheirSourceCommit() {
        assertEquals("47df840a5ab10bbcffb8e5ac01b9899032245d1b", vectors.get("commit").asText());
        assertEquals(24, vectors.get("cases").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theQuoteEqualsGenaiPricesTotal(String source) {
        JsonNode c = caseNamed(source);
        Instant at = Instant.parse(c.has("at") ? c.get("at").asText() : vectors.get("commitDate").asText() + "T12:00:00Z");
        String provider = c.get("provider").asText();

        PricedUsage priced = pricer.evaluate(provider, provider, c.get("model").asText(), usage(c.get("usage")), at);

        BigDecimal published = new BigDecimal(c.get("totalUsd").asText());
        JsonNode bundled = c.get("bundled");
        if (bundled != null) {
            // the bundled data differs from the data of the case's commit: the bundled value, and still a difference
            assertTrue(bundled.hasNonNull("why"), source);
            if (bundled.get("totalUsd").isNull()) {
                assertFalse(priced.priced(), () -> source + ": now priced " + priced + ": update the fixture");
                return;
            }
            BigDecimal expected = new BigDecimal(bundled.get("totalUsd").asText());
            assertQuote(source, expected, priced);
            assertTrue(expected.subtract(published).abs().compareTo(MICRO_USD) > 0,
                    source + ": the bundled data now agrees with genai-prices' test: drop 'bundled' from the fixture");
            return;
        }
        assertQuote(source, published, priced);
        String model = c.has("priceModel") ? c.get("priceModel").asText() : c.get("model").asText();
        assertEquals(model.toLowerCase(Locale.ROOT), priced.priceModel().toLowerCase(Locale.ROOT),
                source + ": the catalogue entry that priced it");
    }

    private static void assertQuote(String source, BigDecimal expected, PricedUsage priced) {
        assertTrue(priced.priced(), () -> source + ": unpriced (" + priced + ")");
        BigDecimal actual = priced.cost().exactUsd();
        assertTrue(expected.subtract(actual).abs().compareTo(MICRO_USD) <= 0,
                () -> source + ": expected " + expected.toPlainString() + " USD, quoted " + actual.toPlainString()
                        + " " + priced.cost().breakdown());
        assertEquals(expected.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact(),
                priced.cost().micros(), source);
    }

    private static JsonNode caseNamed(String source) {
        for (JsonNode c : vectors.get("cases")) {
            if (c.get("source").asText().equals(source)) {
                return c;
            }
        }
        throw new AssertionError("no case " + source);
    }

    /** genai-prices' {@code Usage} as ours: the same totals (input and output include their parts). */
    static Usage usage(JsonNode u) {
        Usage.Detail detail = new Usage.Detail(count(u, "cache_write_1h_tokens"), count(u, "input_audio_tokens"),
                count(u, "cache_audio_read_tokens"), count(u, "input_image_tokens"), count(u, "cache_image_read_tokens"),
                count(u, "input_video_tokens"), 0, count(u, "output_audio_tokens"), count(u, "output_image_tokens"),
                count(u, "web_searches"), null);
        return new Usage(count(u, "input_tokens"), count(u, "cache_read_tokens"), count(u, "cache_write_tokens"),
                count(u, "output_tokens"), count(u, "output_reasoning_tokens"), Usage.Source.PROVIDER, detail);
    }

    private static long count(JsonNode usage, String field) {
        return usage.has(field) ? usage.get(field).asLong() : 0;
    }
}
