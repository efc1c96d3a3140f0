package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every genai-prices unit: nesting, leaves, counted units, service tiers, off-peak windows, match clauses. */
class PriceUnitsTest {

    private static UnitPrice flat(String price) {
        return UnitPrice.flat(new BigDecimal(price));
    }

    private static PriceSheet sheet(Object... unitsAndPrices) {
        Map<Unit, UnitPrice> units = new EnumMap<>(Unit.class);
        for (int i = 0; i < unitsAndPrices.length; i += 2) {
            units.put((Unit) unitsAndPrices[i], flat((String) unitsAndPrices[i + 1]));
        }
        return new PriceSheet(units);
    }

    private static TokenCounts counts(Object... unitsAndCounts) {
        Map<Unit, Long> counts = new EnumMap<>(Unit.class);
        for (int i = 0; i < unitsAndCounts.length; i += 2) {
            counts.put((Unit) unitsAndCounts[i], ((Number) unitsAndCounts[i + 1]).longValue());
        }
        return new TokenCounts(counts);
    }

    @Test
    void everyGenaiPricesKeyIsAUnit() {
        for (String key : List.of("input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok",
                "cache_write_1h_mtok", "cache_write_5m_mtok", "input_audio_mtok", "output_audio_mtok",
                "cache_audio_read_mtok", "input_image_mtok", "output_image_mtok", "cache_image_read_mtok",
                "input_video_mtok", "output_video_mtok", "output_reasoning_mtok", "output_citation_mtok",
                "input_tool_mtok", "requests_kcount", "web_searches_kcount")) {
            Unit unit = Unit.byPriceKey(key);
            assertEquals(key, unit == null ? null : unit.priceKey);
            assertEquals(unit, Unit.byCatalogueKey(unit.catalogueKey));
        }
        assertNull(Unit.byPriceKey("input_kchars"));
    }

    @Test
    void nesting() {
        assertTrue(Unit.CACHE_AUDIO_READ.isPartOf(Unit.CACHE_READ));
        assertTrue(Unit.CACHE_AUDIO_READ.isPartOf(Unit.INPUT_AUDIO));
        assertTrue(Unit.CACHE_AUDIO_READ.isPartOf(Unit.INPUT));
        assertTrue(Unit.CACHE_WRITE_1H.isPartOf(Unit.CACHE_WRITE));
        assertTrue(Unit.REASONING.isPartOf(Unit.OUTPUT));
        assertFalse(Unit.CACHE_WRITE_1H.isPartOf(Unit.CACHE_WRITE_5M));
        assertFalse(Unit.INPUT.isPartOf(Unit.INPUT));
        assertFalse(Unit.OUTPUT_AUDIO.isPartOf(Unit.INPUT));
        assertFalse(Unit.WEB_SEARCHES.isPartOf(Unit.REQUESTS));
        assertFalse(Unit.INPUT_AUDIO.isPartOf(Unit.CACHE_READ));
    }

    @Test
    void leavesSubtractPricedDescendantsOnce() {
        // genai-prices' own decomposition example: 10x1 + 50x2 + 30x3 + 10x4 = 240 per million
        PriceSheet prices = sheet(Unit.INPUT, "1", Unit.CACHE_READ, "2", Unit.INPUT_AUDIO, "3", Unit.CACHE_AUDIO_READ,
                "4", Unit.OUTPUT, "0");
        TokenCounts usage = counts(Unit.INPUT, 100, Unit.CACHE_READ, 60, Unit.INPUT_AUDIO, 40, Unit.CACHE_AUDIO_READ, 10);

        Cost cost = CostCalculator.cost(prices, usage);

        assertEquals(0, new BigDecimal("0.00024").compareTo(cost.exactUsd()));
        assertEquals(240, cost.micros());
        assertEquals(0, new BigDecimal("0.00001").compareTo(cost.breakdown().get("input")));
        assertEquals(0, new BigDecimal("0.00004").compareTo(cost.breakdown().get("cache_audio_read")));
    }

    @Test
    void anUnpricedPartIsBilledAtItsNearestPricedAncestor() {
        // no cache_read price: the 50 text cache reads stay in input, the 10 audio cache reads are priced on their own
        PriceSheet prices = sheet(Unit.INPUT, "1", Unit.INPUT_AUDIO, "3", Unit.CACHE_AUDIO_READ, "4", Unit.OUTPUT, "0");
        TokenCounts usage = counts(Unit.INPUT, 100, Unit.CACHE_READ, 60, Unit.INPUT_AUDIO, 40, Unit.CACHE_AUDIO_READ, 10);

        Cost cost = CostCalculator.cost(prices, usage);

        assertEquals(60 * 1 + 30 * 3 + 10 * 4, cost.micros());
    }

    @Test
    void issueBAnthropicWebSearchAndGeminiAudio() {
        // claude-sonnet-4-5: 3 web searches at $10 per thousand on top of the tokens
        PriceSheet sonnet = sheet(Unit.INPUT, "3", Unit.OUTPUT, "15", Unit.WEB_SEARCHES, "10");
        Cost search = CostCalculator.cost(sonnet, counts(Unit.INPUT, 1000, Unit.OUTPUT, 500, Unit.WEB_SEARCHES, 3));
        assertEquals(0, new BigDecimal("0.0405").compareTo(search.exactUsd()));
        assertEquals(0, new BigDecimal("0.03").compareTo(search.breakdown().get("web_searches")));

        // gemini-2.5-flash: 90,000 of 100,000 input tokens are audio ($1 instead of $0.30), 200 output at $2.50
        PriceSheet flash = sheet(Unit.INPUT, "0.30", Unit.INPUT_AUDIO, "1", Unit.OUTPUT, "2.50");
        Cost audio = CostCalculator.cost(flash, counts(Unit.INPUT, 100_000, Unit.INPUT_AUDIO, 90_000, Unit.OUTPUT, 200));
        assertEquals(0, new BigDecimal("0.0935").compareTo(audio.exactUsd()));
    }

    @Test
    void cacheWritesByLifetime() {
        PriceSheet prices = sheet(Unit.INPUT, "3", Unit.CACHE_WRITE_5M, "3.75", Unit.CACHE_WRITE_1H, "6", Unit.OUTPUT,
                "15");
        // 3,000 writes, 1,000 of them for an hour: 2,000 x 3.75 + 1,000 x 6 + 1,000 x 3
        Cost cost = CostCalculator.cost(prices, new TokenCounts(4000, 0, 3000, 1000, 0, 0));
        assertEquals(7500 + 6000 + 3000, cost.micros());
    }

    @Test
    void requestsAreAFeeOnlyWhenPriced() {
        TokenCounts usage = counts(Unit.INPUT, 1000, Unit.REQUESTS, 1);
        assertEquals(1000, CostCalculator.cost(sheet(Unit.INPUT, "1", Unit.OUTPUT, "1"), usage).micros());
        assertEquals(1000 + 5000,
                CostCalculator.cost(sheet(Unit.INPUT, "1", Unit.OUTPUT, "1", Unit.REQUESTS, "5"), usage).micros());
    }

    @Test
    void anUnpricedCountedUnitLeavesTheUsageUnpriced() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CostCalculator.cost(sheet(Unit.INPUT, "3", Unit.OUTPUT, "15"),
                        counts(Unit.INPUT, 10, Unit.WEB_SEARCHES, 1)));
        assertTrue(e.getMessage().contains("web_searches"), e.getMessage());
        // an unpriced token part is fine: it is billed as input
        assertEquals(30, CostCalculator.cost(sheet(Unit.INPUT, "3", Unit.OUTPUT, "15"),
                counts(Unit.INPUT, 10, Unit.INPUT_IMAGE, 10)).micros());
    }

    @Test
    void aNegativeLeafIsCorruptUsage() {
        // audio and cache reads together above the input once their shared part is taken out
        PriceSheet prices = sheet(Unit.INPUT, "1", Unit.CACHE_READ, "2", Unit.INPUT_AUDIO, "3", Unit.OUTPUT, "0");
        assertThrows(IllegalArgumentException.class, () -> CostCalculator.cost(prices,
                counts(Unit.INPUT, 100, Unit.CACHE_READ, 60, Unit.INPUT_AUDIO, 50)));
    }

    @Test
    void partsAboveTheirWholeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> counts(Unit.INPUT, 10, Unit.INPUT_AUDIO, 11));
        assertThrows(IllegalArgumentException.class, () -> counts(Unit.OUTPUT, 10, Unit.OUTPUT_IMAGE, 11));
        assertThrows(IllegalArgumentException.class,
                () -> counts(Unit.INPUT, 10, Unit.CACHE_WRITE, 4, Unit.CACHE_WRITE_5M, 3, Unit.CACHE_WRITE_1H, 2));
        assertThrows(IllegalArgumentException.class, () -> counts(Unit.WEB_SEARCHES, -1));
        counts(Unit.INPUT, 10, Unit.CACHE_WRITE, 5, Unit.CACHE_WRITE_5M, 3, Unit.CACHE_WRITE_1H, 2);
    }

    @Test
    void theSixCountConstructorCountsUnsplitWritesAsFiveMinuteWrites() {
        TokenCounts c = new TokenCounts(100, 10, 30, 10, 50, 5);
        assertEquals(20, c.count(Unit.CACHE_WRITE_5M));
        assertEquals(10, c.cacheWrite1h());
        assertEquals(0, c.count(Unit.WEB_SEARCHES));
    }

    @Test
    void timeOfDayWindows() {
        TimeOfDay day = new TimeOfDay(LocalTime.of(0, 30), LocalTime.of(16, 30));
        assertTrue(day.contains(Instant.parse("2026-01-01T00:30:00Z")));
        assertFalse(day.contains(Instant.parse("2026-01-01T16:30:00Z")));
        assertFalse(day.contains(Instant.parse("2026-01-01T00:29:59Z")));
        TimeOfDay night = new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30));
        assertTrue(night.contains(Instant.parse("2026-01-01T23:00:00Z")));
        assertTrue(night.contains(Instant.parse("2026-01-01T00:10:00Z")));
        assertFalse(night.contains(Instant.parse("2026-01-01T12:00:00Z")));
        assertEquals(LocalTime.of(16, 30), TimeOfDay.parseTime("16:30:00Z"));
        assertEquals("00:30:00Z", TimeOfDay.format(LocalTime.of(0, 30)));
        assertThrows(IllegalArgumentException.class, () -> TimeOfDay.parseTime("4pm"));
        assertThrows(IllegalArgumentException.class, () -> new TimeOfDay(LocalTime.NOON, LocalTime.NOON));
    }

    @Test
    void serviceTiers() {
        assertEquals(ServiceTier.STANDARD, ServiceTier.normalize(null));
        assertEquals(ServiceTier.STANDARD, ServiceTier.normalize("default"));
        assertEquals(ServiceTier.STANDARD, ServiceTier.normalize("Standard"));
        assertEquals(ServiceTier.PRIORITY, ServiceTier.normalize("priority"));
        assertEquals(ServiceTier.FLEX, ServiceTier.normalize("FLEX"));
        assertEquals(ServiceTier.UNKNOWN, ServiceTier.normalize("x".repeat(33)));
        assertEquals(ServiceTier.UNKNOWN, ServiceTier.normalize("pri ority"));
        assertThrows(IllegalArgumentException.class, () -> ServiceTier.require("Priority"));
    }

    private static PriceVersion version(long id, String from, String tier, TimeOfDay window, String input) {
        return new PriceVersion(id, "p", "m", Instant.parse(from), sheet(Unit.INPUT, input, Unit.OUTPUT, "1"), "s",
                null, "t", Instant.EPOCH, tier, window, null);
    }

    @Test
    void versionSelectionByDateTierAndTimeOfDay() {
        TimeOfDay offPeak = new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30));
        // newest first, as the book keeps them
        List<PriceVersion> versions = List.of(
                version(5, "2026-03-01T00:00:00Z", "standard", offPeak, "0.5"),
                version(4, "2026-03-01T00:00:00Z", "standard", null, "1"),
                version(3, "2026-01-01T00:00:00Z", "priority", null, "4"),
                version(2, "2026-01-01T00:00:00Z", "standard", null, "2"),
                version(1, "2025-01-01T00:00:00Z", "standard", offPeak, "9"));

        assertEquals(4, PriceIndex.at(versions, "standard", Instant.parse("2026-03-02T12:00:00Z")).orElseThrow().id());
        assertEquals(5, PriceIndex.at(versions, "standard", Instant.parse("2026-03-02T17:00:00Z")).orElseThrow().id());
        assertEquals(2, PriceIndex.at(versions, "standard", Instant.parse("2026-02-28T23:59:59Z")).orElseThrow().id());
        assertEquals(3, PriceIndex.at(versions, "priority", Instant.parse("2026-03-02T17:00:00Z")).orElseThrow().id());
        assertTrue(PriceIndex.at(versions, "flex", Instant.parse("2026-03-02T17:00:00Z")).isEmpty());
        // only a window that does not hold in its group: nothing before it either
        assertTrue(PriceIndex.at(versions, "standard", Instant.parse("2025-06-01T12:00:00Z")).isEmpty());
        assertEquals(1, PriceIndex.at(versions, "standard", Instant.parse("2025-06-01T20:00:00Z")).orElseThrow().id());
    }

    @Test
    void theCatalogueFileCarriesEveryUnitTierWindowAndMatchRule() {
        String file = """
                {"version":1,"entries":[{"provider":"anthropic","model":"claude-sonnet-4-5",
                "effectiveFrom":"2025-09-29T00:00:00Z","source":"s","note":null,"serviceTier":"priority",
                "timeOfDay":{"start":"16:30:00Z","end":"00:30:00Z"},
                "match":{"or":[{"starts_with":"claude-sonnet-4-5"},{"regex":"^claude-sonnet-4[.-]5@"}]},
                "prices":{"input":"3","output":"15","webSearches":"10","inputAudio":"1.0","requests":"0",
                "tiers":{"webSearches":[{"start":200000,"price":"20"}]}}}]}""";

        CatalogueEntry entry = CatalogueFormat.read(Fixtures.json(file)).get(0);

        assertEquals("priority", entry.serviceTier());
        assertEquals(new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30)), entry.timeOfDay());
        assertTrue(entry.match().matches("Claude-Sonnet-4-5-20250929"));
        assertTrue(entry.match().matches("claude-sonnet-4.5@20250929"));
        assertFalse(entry.match().matches("claude-sonnet-4"));
        assertEquals("1.0", entry.prices().price(Unit.INPUT_AUDIO).base().toPlainString());
        assertEquals("20", entry.prices().price(Unit.WEB_SEARCHES).at(200_001).toPlainString());
        List<CatalogueEntry> again = CatalogueFormat.read(
                new java.io.ByteArrayInputStream(CatalogueFormat.write(List.of(entry))));
        assertEquals(List.of(entry), again);
        // a standard entry keeps the historical layout: no tier, window or match fields, no unpriced new units
        String plain = new String(CatalogueFormat.write(List.of(new CatalogueEntry("p", "m", Instant.EPOCH,
                sheet(Unit.INPUT, "1", Unit.OUTPUT, "1"), null, null))), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(plain.contains("serviceTier") || plain.contains("timeOfDay") || plain.contains("match")
                || plain.contains("webSearches"), plain);
        assertTrue(plain.contains("\"cacheWrite1h\": null"), plain);
    }

    @Test
    void badMatchClausesAreRefused() {
        for (String clause : List.of("{\"starts_with\":\"GPT-4o\"}", "{\"regex\":\"(\"}", "{\"like\":\"x\"}",
                "{\"or\":[]}", "{\"equals\":\"a\",\"contains\":\"b\"}")) {
            String file = "{\"version\":1,\"entries\":[{\"provider\":\"p\",\"model\":\"m\","
                    + "\"effectiveFrom\":\"2025-01-01T00:00:00Z\",\"match\":" + clause
                    + ",\"prices\":{\"input\":\"1\",\"output\":\"1\"}}]}";
            assertThrows(IllegalArgumentException.class, () -> CatalogueFormat.read(Fixtures.json(file)), clause);
        }
    }
}
