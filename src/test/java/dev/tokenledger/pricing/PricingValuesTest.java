package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenledger.canonical.Usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The value classes of the pricing package on their own, each rule at its boundary: tier steps, unit prices, daily
 * windows, service-tier names, sheets, counts, units and their families, the sheet builder and the import collector
 * (a model defined twice).
 */
class PricingValuesTest {

    private static BigDecimal d(String value) {
        return new BigDecimal(value);
    }

    private static PriceSheet sheet(String input, String output) {
        return new PriceSheet(UnitPrice.flat(d(input)), null, null, null, UnitPrice.flat(d(output)), null);
    }

    private static CatalogueEntry entry(String model, Instant from, PriceSheet prices, TimeOfDay window) {
        return new CatalogueEntry("p", model, from, prices, "src", null, null, window, null);
    }

    @Test
    void tierStepsRefuseNegativesAndKeepAScaleOfAtLeastZero() {
        assertEquals(0, new TierStep(0, BigDecimal.ZERO).start());
        assertThrows(IllegalArgumentException.class, () -> new TierStep(-1, BigDecimal.ONE));
        assertThrows(IllegalArgumentException.class, () -> new TierStep(1, d("-0.01")));
        assertThrows(NullPointerException.class, () -> new TierStep(1, null));
        assertEquals("10", new TierStep(5, d("1E+1")).price().toPlainString());
        assertEquals(0, new TierStep(5, d("1E+1")).price().scale());
        assertEquals("2.50", new TierStep(5, d("2.50")).price().toString(), "a written scale is kept");
    }

    @Test
    void unitPricesSortTheirTiersAndChooseStrictlyAboveTheStart() {
        UnitPrice price = new UnitPrice(d("1"), List.of(new TierStep(200, d("3")), new TierStep(100, d("2"))));
        assertEquals(List.of(100L, 200L), price.tiers().stream().map(TierStep::start).toList());
        assertEquals(d("1"), price.at(0));
        assertEquals(d("1"), price.at(100));
        assertEquals(d("2"), price.at(101));
        assertEquals(d("2"), price.at(200));
        assertEquals(d("3"), price.at(201));
        assertEquals(d("3"), price.at(Long.MAX_VALUE));
        assertEquals(List.of(), new UnitPrice(d("1"), null).tiers());
        assertEquals("10", new UnitPrice(d("1E+1"), null).base().toPlainString());
        assertEquals(0, new UnitPrice(d("1E+1"), null).base().scale());
        assertEquals(0, UnitPrice.flat(BigDecimal.ZERO).base().signum(), "zero is a price");
        assertThrows(IllegalArgumentException.class, () -> UnitPrice.flat(d("-1")));
        assertThrows(NullPointerException.class, () -> UnitPrice.flat(null));
        assertThrows(IllegalArgumentException.class,
                () -> new UnitPrice(d("1"), List.of(new TierStep(100, d("2")), new TierStep(100, d("3")))));
        java.util.ArrayList<TierStep> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> new UnitPrice(d("1"), withNull));
        assertThrows(UnsupportedOperationException.class, () -> price.tiers().add(new TierStep(300, d("4"))));
    }

    @Test
    void dailyWindowsHoldFromStartUntilEndAndOverMidnight() {
        // each window with the times (UTC, on two days) it holds at (+) and not (-)
        Map<TimeOfDay, String> cases = Map.of(new TimeOfDay(LocalTime.of(9, 0), LocalTime.of(17, 0)),
                "+01T09:00:00 +01T16:59:59 -01T17:00:00 -01T08:59:59 -01T23:00:00",
                new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30)),
                "+01T16:30:00 +01T23:59:59 +02T00:29:59 -02T00:30:00 -02T16:29:59 -02T12:00:00");
        cases.forEach((window, times) -> {
            for (String time : times.split(" ")) {
                Instant at = Instant.parse("2026-01-" + time.substring(1) + "Z");
                assertEquals(time.startsWith("+"), window.contains(at), window + " at " + at);
            }
        });
        assertThrows(IllegalArgumentException.class, () -> new TimeOfDay(LocalTime.NOON, LocalTime.NOON));
        assertThrows(NullPointerException.class, () -> new TimeOfDay(null, LocalTime.NOON));
        assertThrows(NullPointerException.class, () -> new TimeOfDay(LocalTime.NOON, null));
        assertEquals(LocalTime.of(16, 30), TimeOfDay.parseTime("16:30:00Z"));
        assertEquals(LocalTime.of(16, 30, 5), TimeOfDay.parseTime("16:30:05"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> TimeOfDay.parseTime("4pm"));
        assertTrue(bad.getMessage().contains("\"4pm\""), bad.getMessage());
        assertThrows(NullPointerException.class, () -> TimeOfDay.parseTime(null));
        assertEquals("00:30:00Z", TimeOfDay.format(LocalTime.of(0, 30)));
        assertEquals("16:05:09Z", TimeOfDay.format(LocalTime.of(16, 5, 9)));
    }

    @Test
    void serviceTierNames() {
        assertEquals(ServiceTier.STANDARD, ServiceTier.normalize(null));
        for (String standard : List.of("", " ", "default", "Standard", " AUTO ", "on_demand", "standard_only")) {
            assertEquals(ServiceTier.STANDARD, ServiceTier.normalize(standard), standard);
        }
        assertEquals(ServiceTier.PRIORITY, ServiceTier.normalize(" Priority"));
        assertEquals(ServiceTier.FLEX, ServiceTier.normalize("flex"));
        assertEquals("scale_2-x", ServiceTier.normalize("scale_2-x"));
        assertEquals("a".repeat(32), ServiceTier.normalize("a".repeat(32)));
        assertEquals(ServiceTier.UNKNOWN, ServiceTier.normalize("a".repeat(33)));
        assertEquals(ServiceTier.UNKNOWN, ServiceTier.normalize("pri ority"));
        assertEquals(ServiceTier.UNKNOWN, ServiceTier.normalize("tier/../x"));

        assertEquals(ServiceTier.STANDARD, ServiceTier.require(null));
        assertEquals(ServiceTier.STANDARD, ServiceTier.require("default"));
        assertEquals(ServiceTier.BATCH, ServiceTier.require("batch"));
        assertThrows(IllegalArgumentException.class, () -> ServiceTier.require("Batch"));
        assertThrows(IllegalArgumentException.class, () -> ServiceTier.require(""));
        assertThrows(IllegalArgumentException.class, () -> ServiceTier.require("a".repeat(33)));
    }

    @Test
    void sheetsNeedInputAndOutputAndChangeOneUnitAtATime() {
        PriceSheet plain = sheet("3", "15");
        assertEquals(d("3"), plain.input().base());
        assertEquals(d("15"), plain.output().base());
        assertNull(plain.cacheRead());
        assertNull(plain.cacheWrite());
        assertNull(plain.cacheWrite1h());
        assertNull(plain.reasoning());
        assertEquals(List.of(Unit.INPUT, Unit.OUTPUT), List.copyOf(plain.units().keySet()));

        PriceSheet full = new PriceSheet(UnitPrice.flat(d("1")), UnitPrice.flat(d("2")), UnitPrice.flat(d("3")),
                UnitPrice.flat(d("4")), UnitPrice.flat(d("5")), UnitPrice.flat(d("6")));
        assertEquals(List.of("1", "2", "3", "4", "5", "6"),
                List.of(full.input(), full.cacheRead(), full.cacheWrite(), full.cacheWrite1h(), full.output(),
                        full.reasoning()).stream().map(p -> p.base().toPlainString()).toList());

        PriceSheet searches = plain.with(Unit.WEB_SEARCHES, UnitPrice.flat(d("10")));
        assertEquals(d("10"), searches.price(Unit.WEB_SEARCHES).base());
        assertNull(plain.price(Unit.WEB_SEARCHES), "with() leaves the original alone");
        assertNull(searches.with(Unit.WEB_SEARCHES, null).price(Unit.WEB_SEARCHES));
        assertSame(searches.price(Unit.WEB_SEARCHES), Unit.WEB_SEARCHES.of(searches));
        assertThrows(NullPointerException.class, () -> plain.with(Unit.INPUT, null));
        assertThrows(NullPointerException.class, () -> plain.with(Unit.OUTPUT, null));
        assertThrows(UnsupportedOperationException.class, () -> plain.units().put(Unit.REQUESTS, plain.input()));
        Map<Unit, UnitPrice> withNull = new EnumMap<>(Unit.class);
        withNull.put(Unit.INPUT, UnitPrice.flat(d("1")));
        withNull.put(Unit.OUTPUT, UnitPrice.flat(d("1")));
        withNull.put(Unit.CACHE_READ, null);
        assertFalse(new PriceSheet(withNull).units().containsKey(Unit.CACHE_READ), "a null price is no price");
    }

    @Test
    void pricesSheetsAndEntriesAreEqualByValueOnly() {
        UnitPrice one = UnitPrice.flat(BigDecimal.ONE);
        UnitPrice tiered = new UnitPrice(BigDecimal.ONE, List.of(new TierStep(5, BigDecimal.TEN)));
        assertEquals(one, UnitPrice.flat(new BigDecimal("1")));
        assertNotEquals(one, tiered);
        assertNotEquals(one, UnitPrice.flat(BigDecimal.TEN));

        PriceSheet sheet = new PriceSheet(one, null, null, null, one, null);
        assertEquals(sheet, new PriceSheet(one, null, null, null, UnitPrice.flat(BigDecimal.ONE), null));
        assertNotEquals(sheet, sheet.with(Unit.CACHE_READ, one));
        assertEquals(sheet, sheet.with(Unit.CACHE_READ, one).with(Unit.CACHE_READ, null), "null removes the price");
        assertFalse(sheet.with(Unit.CACHE_READ, null).units().containsKey(Unit.CACHE_READ));

        CatalogueEntry entry = new CatalogueEntry("p", "m", Instant.EPOCH, sheet, null, null);
        assertEquals(entry, new CatalogueEntry("p", "m", Instant.EPOCH, sheet, null, null));
        assertNotEquals(entry, new CatalogueEntry("p", "n", Instant.EPOCH, sheet, null, null));
        assertNotEquals(entry, new CatalogueEntry("p", "m", Instant.EPOCH, sheet.with(Unit.CACHE_READ, one), null, null));
        for (String blank : new String[]{null, "", " "}) {
            assertEquals("provider must not be blank", assertThrows(IllegalArgumentException.class,
                    () -> new CatalogueEntry(blank, "m", Instant.EPOCH, sheet, null, null)).getMessage());
            assertEquals("model must not be blank", assertThrows(IllegalArgumentException.class,
                    () -> new CatalogueEntry("p", blank, Instant.EPOCH, sheet, null, null)).getMessage());
        }
    }

    @Test
    void countsRefuseWhatNoRequestCouldReport() {
        TokenCounts counts = new TokenCounts(1000, 200, 300, 100, 50, 20);
        assertEquals(1000, counts.inputTotal());
        assertEquals(200, counts.cacheRead());
        assertEquals(300, counts.cacheWrite());
        assertEquals(100, counts.cacheWrite1h());
        assertEquals(200, counts.count(Unit.CACHE_WRITE_5M));
        assertEquals(50, counts.output());
        assertEquals(20, counts.reasoning());
        assertEquals(0, counts.count(Unit.WEB_SEARCHES));
        assertEquals(3, counts.with(Unit.WEB_SEARCHES, 3).count(Unit.WEB_SEARCHES));
        assertEquals(0, counts.count(Unit.WEB_SEARCHES), "with() leaves the original alone");
        assertFalse(counts.with(Unit.WEB_SEARCHES, 0).counts().containsKey(Unit.WEB_SEARCHES), "zero is absent");
        // counts are equal by value; a zero count equals an absent one
        assertEquals(counts, counts.with(Unit.WEB_SEARCHES, 0));
        assertNotEquals(counts, counts.with(Unit.WEB_SEARCHES, 1));

        assertEquals(500, new TokenCounts(1000, 500, 500, 500, 0, 0).cacheWrite1h(), "every bound is inclusive");
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(1000, 501, 500, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(1000, 1001, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(1000, 0, 1001, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(1000, 0, 10, 11, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 0, 0, 5, 6));
        for (int i = 0; i < 6; i++) {
            long[] values = {10, 1, 1, 1, 10, 1};
            values[i] = -1;
            assertThrows(IllegalArgumentException.class, () -> new TokenCounts(values[0], values[1], values[2],
                    values[3], values[4], values[5]), "negative argument " + i);
        }
        Map<Unit, Long> writes = new EnumMap<>(Unit.class);
        writes.put(Unit.INPUT, 100L);
        writes.put(Unit.CACHE_WRITE, 10L);
        writes.put(Unit.CACHE_WRITE_1H, 4L);
        writes.put(Unit.CACHE_WRITE_5M, 6L);
        assertEquals(6, new TokenCounts(writes).count(Unit.CACHE_WRITE_5M));
        writes.put(Unit.CACHE_WRITE_5M, 7L);
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(writes));
        Map<Unit, Long> nullCount = new EnumMap<>(Unit.class);
        nullCount.put(Unit.INPUT, null);
        assertEquals(0, new TokenCounts(nullCount).inputTotal());
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(Map.of(Unit.INPUT, -1L)));
    }

    @Test
    void unitsNestWithinTheirFamilyAndAreFoundByTheirNames() {
        assertTrue(Unit.INPUT_AUDIO_SECONDS.isPartOf(Unit.AUDIO_SECONDS));
        assertTrue(Unit.OUTPUT_AUDIO_SECONDS.isPartOf(Unit.AUDIO_SECONDS));
        assertFalse(Unit.INPUT_AUDIO.isPartOf(Unit.AUDIO_SECONDS), "tokens are not seconds");
        assertFalse(Unit.INPUT_AUDIO_SECONDS.isPartOf(Unit.INPUT), "seconds are not tokens");
        assertFalse(Unit.INPUT.isPartOf(Unit.INPUT));
        assertFalse(Unit.INPUT.isPartOf(Unit.CACHE_READ));
        assertFalse(Unit.CACHE_IMAGE_READ.isPartOf(Unit.INPUT_AUDIO));
        assertTrue(Unit.INPUT_ANNOTATED_DOCUMENT_PAGES.isPartOf(Unit.INPUT_DOCUMENT_PAGES));
        assertEquals(0, Unit.REQUESTS.depth());
        assertEquals(3, Unit.CACHE_WRITE_1H.depth());
        assertTrue(Unit.REQUESTS.freeWhenUnpriced());
        assertFalse(Unit.WEB_SEARCHES.freeWhenUnpriced());
        for (Unit unit : Unit.values()) {
            assertSame(unit, Unit.byPriceKey(unit.priceKey));
            assertSame(unit, Unit.byCatalogueKey(unit.catalogueKey));
        }
        assertNull(Unit.byCatalogueKey("input_mtok"), "a price key is not a catalogue key");
        assertNull(Unit.byPriceKey("input"));
        assertEquals(1_000_000, Unit.Family.TOKENS.per);
        assertEquals(1_000, Unit.Family.WEB_SEARCHES.per);
        assertEquals(3_600, Unit.Family.DURATIONS.per);
        assertEquals(d("0.001234"), Unit.Family.TOKENS.perUnit(d("1234")));
        assertEquals(d("1.234"), Unit.Family.REQUESTS.perUnit(d("1234")));
        assertEquals(d("0.000277777778"), Unit.Family.DURATIONS.perUnit(BigDecimal.ONE));
        assertEquals(d("1.0000000000000"), Unit.Family.DURATIONS.perUnit(d("3600.0000000000000")),
                "a finer scale than 12 places is kept");
    }

    @Test
    void creditsArePricedPerCreditExactlyAndASheetPricingCreditsCannotPriceAUsageWithoutThem() {
        assertEquals(1_000_000, Unit.Family.CREDITS.per);
        assertSame(Unit.CREDITS, Unit.byCatalogueKey("credits"));
        assertFalse(Unit.CREDITS.isPartOf(Unit.INPUT), "credits are not tokens");
        PriceSheet kiro = sheet("0", "0").with(Unit.CREDITS, new UnitPrice(d("0.04"), List.of()));
        Usage metered = new Usage(1200, 0, 0, 300, 0, Usage.Source.ESTIMATED,
                Usage.Detail.NONE.withMicroCredits(5_835));
        Cost cost = CostCalculator.cost(kiro, Pricer.counts(metered));
        assertEquals(0, d("0.0002334").compareTo(cost.exactUsd()), "5835 millionths x 0.04 USD: " + cost.exactUsd());
        assertEquals(233, cost.micros());
        assertEquals(0, d("0.0002334").compareTo(cost.breakdown().get("credits")));
        // the bill is in credits: none reported (no metering) is an unknown cost, not the tokens' 0
        Usage unmetered = new Usage(1200, 0, 0, 300, 0, Usage.Source.ESTIMATED);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CostCalculator.cost(kiro,
                Pricer.counts(unmetered))).getMessage().contains("credits"));
        // credits without a price for them leave the usage unpriced, as any counted unit does
        assertThrows(IllegalArgumentException.class, () -> CostCalculator.cost(sheet("3", "15"), Pricer.counts(metered)));

        // a catalogue file prices them as "credits", read and written back as the same decimal
        String file = "{\"version\":1,\"entries\":[{\"provider\":\"kiro\",\"model\":\"*\","
                + "\"effectiveFrom\":\"2026-01-01T00:00:00Z\",\"source\":\"operator\",\"prices\":{\"input\":\"0\","
                + "\"output\":\"0\",\"credits\":\"0.04\"}}]}";
        List<CatalogueEntry> read = CatalogueFormat.read(new java.io.ByteArrayInputStream(
                file.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(d("0.04"), read.get(0).prices().price(Unit.CREDITS).base());
        assertEquals(read, CatalogueFormat.read(new java.io.ByteArrayInputStream(CatalogueFormat.write(read))));
    }

    @Test
    void theSheetBuilderRefusesWhatWouldMisprice() {
        SheetBuilder builder = new SheetBuilder();
        builder.base(Unit.INPUT, d("1"));
        builder.base(Unit.OUTPUT, d("2"));
        builder.tier(Unit.INPUT, 100, d("3"));
        builder.tier(Unit.INPUT, 50, d("4"));
        PriceSheet sheet = builder.build();
        assertEquals(List.of(50L, 100L), sheet.input().tiers().stream().map(TierStep::start).toList());
        assertEquals(List.of(), sheet.output().tiers());
        assertThrows(IllegalArgumentException.class, () -> builder.base(Unit.INPUT, d("1")), "two bases");

        SheetBuilder tiersOnly = new SheetBuilder();
        tiersOnly.base(Unit.INPUT, d("1"));
        tiersOnly.base(Unit.OUTPUT, d("1"));
        tiersOnly.tier(Unit.CACHE_READ, 10, d("1"));
        assertTrue(assertThrows(IllegalArgumentException.class, tiersOnly::build).getMessage().contains("cacheRead"));
        SheetBuilder noInput = new SheetBuilder();
        noInput.base(Unit.OUTPUT, d("1"));
        assertEquals("no input price", assertThrows(IllegalArgumentException.class, noInput::build).getMessage());
        SheetBuilder noOutput = new SheetBuilder();
        noOutput.base(Unit.INPUT, d("1"));
        assertEquals("no output price", assertThrows(IllegalArgumentException.class, noOutput::build).getMessage());
    }

    @Test
    void aModelDefinedTwiceIsKeptOnceWhenEqualAndDroppedWhenNot() {
        Instant t0 = Instant.EPOCH;
        Instant t1 = Instant.parse("2026-01-01T00:00:00Z");
        ImportCollector collector = new ImportCollector();
        collector.add("p", "same", "a", List.of(entry("same", t0, sheet("1", "2"), null)));
        collector.add("p", "same", "b", List.of(entry("same", t0, sheet("1.0", "2.00"), null)));
        collector.add("p", "price", "a", List.of(entry("price", t0, sheet("1", "2"), null)));
        collector.add("p", "price", "b", List.of(entry("price", t0, sheet("1", "2.01"), null)));
        collector.add("p", "price", "c", List.of(entry("price", t0, sheet("1", "2"), null)));
        collector.add("p", "time", "a", List.of(entry("time", t0, sheet("1", "2"), null)));
        collector.add("p", "time", "b", List.of(entry("time", t1, sheet("1", "2"), null)));
        TimeOfDay night = new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30));
        collector.add("p", "window", "a", List.of(entry("window", t0, sheet("1", "2"), night)));
        collector.add("p", "window", "b", List.of(entry("window", t0, sheet("1", "2"), null)));
        collector.add("p", "history", "a", List.of(entry("history", t0, sheet("1", "2"), null)));
        collector.add("p", "history", "b",
                List.of(entry("history", t0, sheet("1", "2"), null), entry("history", t1, sheet("1", "2"), null)));
        collector.add("p", "tiered", ServiceTier.STANDARD, "a", List.of(entry("tiered", t0, sheet("1", "2"), null)));
        collector.add("p", "tiered", ServiceTier.PRIORITY, "b",
                List.of(new CatalogueEntry("p", "tiered", t0, sheet("2", "4"), "src", null, "priority", null, null)));
        collector.skip("x", "a reason");
        collector.note("y", "a caveat");
        ImportResult result = collector.result();

        assertEquals(List.of("same", "tiered", "tiered"), result.entries().stream().map(CatalogueEntry::model)
                .toList(), "the first definition of an equal pair is kept; each service tier stands alone");
        assertEquals(d("1"), result.entries().get(0).prices().input().base());
        assertEquals(List.of("a: p/price is defined more than once with different prices",
                "b: p/price is defined more than once with different prices",
                "c: p/price is defined more than once with different prices",
                "a: p/time is defined more than once with different prices",
                "b: p/time is defined more than once with different prices",
                "a: p/window is defined more than once with different prices",
                "b: p/window is defined more than once with different prices",
                "a: p/history is defined more than once with different prices",
                "b: p/history is defined more than once with different prices", "x: a reason"), result.skipped());
        assertEquals(List.of("y: a caveat"), result.notes());
        assertEquals(List.of(), new ImportResult(List.of(), List.of()).notes());
    }

    @Test
    void theSixCountsNameTheCountThatCannotBe() {
        String[] names = {"inputTotal", "cacheRead", "cacheWrite", "cacheWrite1h", "output", "reasoning"};
        for (int i = 0; i < names.length; i++) {
            long[] c = {10, 1, 2, 1, 5, 1};
            c[i] = -1;
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new TokenCounts(c[0], c[1], c[2], c[3], c[4], c[5]));
            assertEquals(names[i] + " must be >= 0, was -1", refused.getMessage());
        }
        // every write may be a one-hour write, never more than every write
        assertEquals(2, new TokenCounts(10, 0, 2, 2, 0, 0).count(Unit.CACHE_WRITE_1H));
        assertEquals(0, new TokenCounts(10, 0, 2, 2, 0, 0).count(Unit.CACHE_WRITE_5M));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> new TokenCounts(10, 0, 2, 3, 0, 0));
        assertTrue(tooMany.getMessage().startsWith("cacheWrite1h (3) exceeds cacheWrite (2)"), tooMany::getMessage);
    }
}
