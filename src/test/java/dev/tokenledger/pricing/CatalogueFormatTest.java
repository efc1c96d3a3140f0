package dev.tokenledger.pricing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static dev.tokenledger.pricing.CostCalculatorTest.assertDecimal;
import static dev.tokenledger.pricing.CostCalculatorTest.flat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogueFormatTest {

    static final List<CatalogueEntry> SAMPLE = List.of(
            new CatalogueEntry("openai", "gpt-4o", Instant.parse("2024-10-02T00:00:00Z"),
                    CostCalculatorTest.GPT_4O, "https://openai.com/api/pricing (checked 2026-08-21)", "standard tier"),
            new CatalogueEntry("anthropic", "claude-sonnet-4-5", Instant.parse("2025-09-29T00:00:00Z"),
                    CostCalculatorTest.SONNET_45, "money-rules.md worked examples", null),
            new CatalogueEntry("example", "reasoner", Instant.parse("2026-01-02T03:04:05.123456789Z"),
                    new PriceSheet(new UnitPrice(new BigDecimal("0.000125"), List.of(
                            new TierStep(128_000, new BigDecimal("0.00025")),
                            new TierStep(272_000, new BigDecimal("0.0005")))), null, null, null,
                            flat("1.10"), flat("3.50")),
                    null, "note with \"quotes\" and unicode: café"),
            new CatalogueEntry("ollama", "*", Instant.EPOCH, new PriceSheet(flat("0"), null, null, null, flat("0"), null),
                    "money-rules.md section 1", "any model is free"));

    @Test
    void roundTripKeepsEveryEntryExactly() {
        byte[] written = CatalogueFormat.write(SAMPLE);

        List<CatalogueEntry> read = CatalogueFormat.read(new ByteArrayInputStream(written));

        assertEquals(SAMPLE, read);
        assertArrayEquals(written, CatalogueFormat.write(read));
        // the scale of each price survives, e.g. 2.50 stays 2.50
        assertEquals("2.50", read.get(0).prices().input().base().toPlainString());
        assertEquals("10", read.get(0).prices().output().base().toPlainString());
    }

    @Test
    void pricesAreWrittenAsDecimalStrings() throws IOException {
        JsonNode root = new ObjectMapper().readTree(CatalogueFormat.write(SAMPLE));

        assertEquals(1, root.get("version").intValue());
        JsonNode gpt4o = root.get("entries").get(0);
        assertEquals("2024-10-02T00:00:00Z", gpt4o.get("effectiveFrom").textValue());
        assertTrue(gpt4o.get("prices").get("input").isTextual());
        assertEquals("2.50", gpt4o.get("prices").get("input").textValue());
        assertTrue(gpt4o.get("prices").get("cacheWrite").isNull());
        assertFalse(gpt4o.get("prices").has("tiers"));

        JsonNode sonnetTiers = root.get("entries").get(1).get("prices").get("tiers");
        assertEquals(200_000, sonnetTiers.get("output").get(0).get("start").longValue());
        assertEquals("22.50", sonnetTiers.get("output").get(0).get("price").textValue());

        JsonNode reasoner = root.get("entries").get(2).get("prices");
        assertEquals("0.000125", reasoner.get("input").textValue());
        assertEquals("0.0005", reasoner.get("tiers").get("input").get(1).get("price").textValue());
    }

    @Test
    void theFileFormatOfTheDocumentation() {
        List<CatalogueEntry> read = CatalogueFormat.read(Fixtures.json("""
                {"version":1,"entries":[{"provider":"openai","model":"gpt-4o","effectiveFrom":"2024-08-06T00:00:00Z",
                "source":"https://openai.com/api/pricing (checked 2026-08-21)","note":"...",
                "prices":{"input":"2.50","cacheRead":"1.25","output":"10.00","reasoning":null,"cacheWrite":null,
                "cacheWrite1h":null,"tiers":{"input":[{"start":200000,"price":"5.00"}]}}}]}
                """));

        assertEquals(1, read.size());
        PriceSheet prices = read.get(0).prices();
        assertEquals(new UnitPrice(new BigDecimal("2.50"), List.of(new TierStep(200_000, new BigDecimal("5.00")))),
                prices.input());
        assertEquals(UnitPrice.flat(new BigDecimal("1.25")), prices.cacheRead());
        assertNull(prices.cacheWrite());
        assertNull(prices.reasoning());
        assertEquals(Instant.parse("2024-08-06T00:00:00Z"), read.get(0).effectiveFrom());
    }

    @Test
    void anythingThatCouldMispriceIsRejected() {
        String valid = """
                {"provider":"p","model":"m","effectiveFrom":"2025-01-01T00:00:00Z","prices":{"input":"1","output":"2"}}""";
        assertEquals(1, CatalogueFormat.read(catalogue(valid)).size());

        List<String> invalid = List.of(
                // a price as a JSON number, or in exponent or signed form
                valid.replace("\"input\":\"1\"", "\"input\":1"),
                valid.replace("\"input\":\"1\"", "\"input\":\"1E+1\""),
                valid.replace("\"input\":\"1\"", "\"input\":\"-1\""),
                valid.replace("\"input\":\"1\"", "\"input\":\"\""),
                // a misspelt unit would silently drop a price
                valid.replace("\"input\":\"1\"", "\"input\":\"1\",\"cachRead\":\"0.1\""),
                valid.replace("\"model\":\"m\"", "\"model\":\"m\",\"modle\":\"n\""),
                // required parts missing
                valid.replace("\"input\":\"1\",", ""),
                valid.replace("\"output\":\"2\"", "\"output\":null"),
                valid.replace("\"provider\":\"p\",", ""),
                valid.replace("\"effectiveFrom\":\"2025-01-01T00:00:00Z\",", ""),
                valid.replace("2025-01-01T00:00:00Z", "2025-01-01"),
                // tiers of an unpriced unit, a fractional start, a numeric tier price
                valid.replace("\"output\":\"2\"", "\"output\":\"2\",\"tiers\":{\"cacheRead\":[{\"start\":1,\"price\":\"1\"}]}"),
                valid.replace("\"output\":\"2\"", "\"output\":\"2\",\"tiers\":{\"input\":[{\"start\":1.5,\"price\":\"1\"}]}"),
                valid.replace("\"output\":\"2\"", "\"output\":\"2\",\"tiers\":{\"input\":[{\"start\":1,\"price\":1}]}"),
                // a repeated key
                valid.replace("\"input\":\"1\"", "\"input\":\"1\",\"input\":\"2\""));
        for (String entry : invalid) {
            assertThrows(IllegalArgumentException.class, () -> CatalogueFormat.read(catalogue(entry)), entry);
        }

        // two entries for the same model and instant
        assertThrows(IllegalArgumentException.class, () -> CatalogueFormat.read(catalogue(valid + "," + valid)));
        // another version of the file
        assertThrows(IllegalArgumentException.class,
                () -> CatalogueFormat.read(Fixtures.json("{\"version\":2,\"entries\":[]}")));
        assertThrows(IllegalArgumentException.class, () -> CatalogueFormat.read(Fixtures.json("[]")));
    }

    /** Each malformed part is refused for its own reason, named in the message (the entry's position first). */
    @Test
    void eachRefusalNamesItsReason() {
        String valid = """
                {"provider":"p","model":"m","effectiveFrom":"2025-01-01T00:00:00Z","prices":{"input":"1","output":"2"}}""";
        String tiers = "\"output\":\"2\",\"tiers\":";
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("[]", "not an object");
        entries.put(valid.replace("\"effectiveFrom\":\"2025-01-01T00:00:00Z\",", ""), "no effectiveFrom");
        entries.put(valid.replace("2025-01-01T00:00:00Z", "2025-01-01"), "effectiveFrom is not an ISO-8601 instant");
        entries.put(valid.replace(",\"prices\":{\"input\":\"1\",\"output\":\"2\"}", ""), "no prices object");
        entries.put(valid.replace("{\"input\":\"1\",\"output\":\"2\"}", "\"1\""), "no prices object");
        entries.put(valid.replace("\"model\":\"m\"", "\"model\":\"m\",\"modle\":\"n\""), "entry has an unknown field modle");
        entries.put(valid.replace("\"input\":\"1\"", "\"input\":\"1\",\"cachRead\":\"0.1\""),
                "prices has an unknown field cachRead");
        entries.put(valid.replace("\"input\":\"1\"", "\"input\":\"1.\""), "input price is not a plain decimal string");
        entries.put(valid.replace("\"input\":\"1\"", "\"input\":\".5\""), "input price is not a plain decimal string");
        entries.put(valid.replace("\"input\":\"1\"", "\"input\":\"0.5 \""), "input price is not a plain decimal string");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "[]"), "tiers is not an object");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"inptu\":[]}"), "tiers of unknown unit inptu");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"input\":{}}"), "tiers of input is not a list");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"input\":[1]}"), "a tier of input is not an object");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"input\":[{\"start\":1,\"price\":\"1\",\"end\":2}]}"),
                "tier of input has an unknown field end");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"input\":[{\"price\":\"1\"}]}"),
                "a tier of input has no whole start");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"input\":[{\"start\":\"1\",\"price\":\"1\"}]}"),
                "a tier of input has no whole start");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"input\":[{\"start\":1}]}"), "a tier of input has no price");
        entries.put(valid.replace("\"output\":\"2\"", tiers + "{\"input\":[{\"start\":1,\"price\":\"1e3\"}]}"),
                "tier of input price is not a plain decimal string");
        entries.put(valid.replace("\"model\":\"m\"", "\"model\":\"m\",\"timeOfDay\":\"night\""),
                "timeOfDay is not an object");
        entries.put(valid.replace("\"model\":\"m\"", "\"model\":\"m\",\"timeOfDay\":{\"start\":\"00:00:00Z\"}"),
                "timeOfDay needs start and end");
        entries.put(valid.replace("\"model\":\"m\"", "\"model\":\"m\",\"timeOfDay\":{\"end\":\"08:00:00Z\"}"),
                "timeOfDay needs start and end");
        entries.put(valid.replace("\"model\":\"m\"",
                "\"model\":\"m\",\"timeOfDay\":{\"start\":\"00:00:00Z\",\"end\":\"08:00:00Z\",\"zone\":\"UTC\"}"),
                "timeOfDay has an unknown field zone");
        for (Map.Entry<String, String> bad : entries.entrySet()) {
            // the second entry of the file is the bad one
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> CatalogueFormat.read(catalogue(valid + "," + bad.getKey())), bad.getKey());
            assertTrue(refused.getMessage().startsWith("catalogue entry #1: " + bad.getValue()),
                    () -> bad.getKey() + " -> " + refused.getMessage());
        }

        Map<String, String> files = new LinkedHashMap<>();
        files.put("[]", "a catalogue is a JSON object");
        files.put("{\"version\":1,\"entries\":[],\"more\":1}", "catalogue has an unknown field more");
        files.put("{\"entries\":[]}", "unsupported catalogue version null");
        files.put("{\"version\":\"1\",\"entries\":[]}", "unsupported catalogue version");
        files.put("{\"version\":1.0,\"entries\":[]}", "unsupported catalogue version");
        files.put("{\"version\":0,\"entries\":[]}", "unsupported catalogue version 0");
        // 2^32 + 1: its int value would be 1
        files.put("{\"version\":4294967297,\"entries\":[]}", "unsupported catalogue version 4294967297");
        files.put("{\"version\":1}", "catalogue entries is not a list");
        files.put("{\"version\":1,\"entries\":{}}", "catalogue entries is not a list");
        for (Map.Entry<String, String> bad : files.entrySet()) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> CatalogueFormat.read(Fixtures.json(bad.getKey())), bad.getKey());
            assertTrue(refused.getMessage().startsWith(bad.getValue()), () -> bad.getKey() + " -> " + refused.getMessage());
        }
    }

    @Test
    void aSecondEntryIsOneOfTheSameProviderModelTimeTierAndWindow() {
        String first = """
                {"provider":"p","model":"m","effectiveFrom":"2025-01-01T00:00:00Z","prices":{"input":"1","output":"2"}}""";
        List<String> others = List.of(first.replace("\"p\"", "\"q\""), first.replace("\"m\"", "\"n\""),
                first.replace("2025-01-01", "2025-01-02"),
                first.replace("\"model\":\"m\"", "\"model\":\"m\",\"serviceTier\":\"batch\""),
                first.replace("\"model\":\"m\"",
                        "\"model\":\"m\",\"timeOfDay\":{\"start\":\"00:00:00Z\",\"end\":\"08:00:00Z\"}"));
        assertEquals(6, CatalogueFormat.read(catalogue(first + "," + String.join(",", others))).size());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> CatalogueFormat.read(catalogue(first + "," + others.get(0) + "," + first)));
        assertEquals("catalogue entry #2: a second entry for p/m from 2025-01-01T00:00:00Z", refused.getMessage());
    }

    @Test
    void tiersWindowsTierNamesAndClausesAreReadAndWrittenBack() {
        String text = """
                {"version":1,"entries":[{"provider":"p","model":"m","effectiveFrom":"2025-01-01T00:00:00Z",
                "serviceTier":"priority","timeOfDay":{"start":"16:30:00Z","end":"00:30:00Z"},
                "match":{"starts_with":"m-"},"source":null,"note":null,"timeOfDay":null,
                "prices":{"input":"1","output":"2","webSearches":"10","outputAudio":"0",
                "tiers":{"input":[{"start":1000,"price":"2"},{"start":2000,"price":"3"}],"webSearches":[{"start":5,"price":"20"}]}}}]}
                """;
        assertThrows(IllegalArgumentException.class, () -> CatalogueFormat.read(Fixtures.json(text)),
                "a repeated field is refused");
        List<CatalogueEntry> read = CatalogueFormat.read(Fixtures.json(text.replace(",\"timeOfDay\":null", "")));

        CatalogueEntry entry = read.get(0);
        assertEquals(ServiceTier.PRIORITY, entry.serviceTier());
        assertEquals(new TimeOfDay(java.time.LocalTime.of(16, 30), java.time.LocalTime.of(0, 30)), entry.timeOfDay());
        assertTrue(entry.match().matches("m-1"));
        assertFalse(entry.match().matches("n-1"));
        assertEquals(new UnitPrice(new BigDecimal("1"), List.of(new TierStep(1000, new BigDecimal("2")),
                new TierStep(2000, new BigDecimal("3")))), entry.prices().input());
        assertEquals(new UnitPrice(new BigDecimal("10"), List.of(new TierStep(5, new BigDecimal("20")))),
                entry.prices().price(Unit.WEB_SEARCHES));
        assertEquals(UnitPrice.flat(BigDecimal.ZERO), entry.prices().price(Unit.OUTPUT_AUDIO));
        assertNull(entry.prices().price(Unit.INPUT_AUDIO));

        byte[] written = CatalogueFormat.write(read);
        assertEquals(read, CatalogueFormat.read(new ByteArrayInputStream(written)));
        String json = new String(written, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"serviceTier\": \"priority\""), json);
        assertTrue(json.contains("\"start\": \"16:30:00Z\""), json);
        assertTrue(json.contains("\"match\": {"), json);
        // a unit outside the first six is written only when priced
        assertTrue(json.contains("\"outputAudio\": \"0\""), json);
        assertFalse(json.contains("inputAudio"), json);
        assertTrue(json.endsWith("}\n"), json);
        // a standard-tier entry without a window or clauses writes none of them
        String plain = new String(CatalogueFormat.write(List.of(new CatalogueEntry("p", "m", Instant.EPOCH,
                entry.prices(), null, null))), StandardCharsets.UTF_8);
        assertFalse(plain.contains("serviceTier"), plain);
        assertFalse(plain.contains("timeOfDay"), plain);
        assertFalse(plain.contains("match"), plain);
        assertTrue(plain.contains("\"effectiveFrom\": \"1970-01-01T00:00:00Z\""), plain);

        // optional parts written as null are absent
        CatalogueEntry nulls = CatalogueFormat.read(catalogue("""
                {"provider":"p","model":"m","effectiveFrom":"2025-01-01T00:00:00Z","serviceTier":null,"timeOfDay":null,
                "match":null,"source":null,"note":null,"prices":{"input":"1","output":"2","reasoning":null,"tiers":null}}"""))
                .get(0);
        assertEquals(new CatalogueEntry("p", "m", Instant.parse("2025-01-01T00:00:00Z"), new PriceSheet(
                UnitPrice.flat(BigDecimal.ONE), null, null, null, UnitPrice.flat(new BigDecimal("2")), null), null, null),
                nulls);
    }

    @Test
    void theGatewaysOwnEntriesParseInTheWritersLayout() throws IOException {
        byte[] file = defaultCatalogue();
        List<CatalogueEntry> entries = CatalogueFormat.read(new ByteArrayInputStream(file));

        Set<String> models = new HashSet<>();
        for (CatalogueEntry entry : entries) {
            assertNotNull(entry.source(), entry::toString);
            assertFalse(entry.source().isBlank(), entry::toString);
            assertTrue(models.add(entry.provider() + "/" + entry.model()), "listed twice: " + entry);
        }
        // the public models come from the bundled genai-prices snapshot (DefaultCatalogueTest)
        // and the explicit zeros of what is billed otherwise: local servers, the Copilot subscription (per request)
        assertEquals(Set.of("ollama/*", "lmstudio/*", "github-copilot/*"), models);
        // the file is in the writer's canonical layout, so rewriting it changes nothing
        assertEquals(new String(file, StandardCharsets.UTF_8),
                new String(CatalogueFormat.write(entries), StandardCharsets.UTF_8));
    }

    @Test
    void localProvidersAreExplicitlyFree() throws IOException {
        List<CatalogueEntry> entries = CatalogueFormat.read(new ByteArrayInputStream(defaultCatalogue()));

        for (String provider : List.of("ollama", "lmstudio")) {
            CatalogueEntry local = Fixtures.only(entries, provider, "*");
            assertEquals(Instant.EPOCH, local.effectiveFrom());
            assertDecimal("0", local.prices().input().base());
            assertDecimal("0", local.prices().output().base());
            assertTrue(local.note().contains("wildcard"), local.note());
            Cost cost = CostCalculator.cost(local.prices(), TokenCounts.of(1_000_000, 1_000_000));
            assertEquals(0, cost.micros());
        }
    }

    static InputStream catalogue(String entries) {
        return Fixtures.json("{\"version\":1,\"entries\":[" + entries + "]}");
    }

    static byte[] defaultCatalogue() throws IOException {
        try (InputStream in = CatalogueFormatTest.class.getResourceAsStream("/prices/default-catalogue.json")) {
            assertNotNull(in, "default catalogue on the class path");
            return in.readAllBytes();
        }
    }
}
