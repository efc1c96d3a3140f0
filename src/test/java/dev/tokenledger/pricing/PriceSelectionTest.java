package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.ConfiguredModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Price selection without a database: the catalogue lookup by provider, model name, service tier and time
 * ({@link PriceIndex}, {@link PriceBook#of}), unpriced against free, and the counts a usage is priced on.
 */
class PriceSelectionTest {

    private static final Instant MAY = Instant.parse("2026-05-01T00:00:00Z");
    private static final Instant JUNE = Instant.parse("2026-06-01T00:00:00Z");

    private static PriceVersion version(long id, String provider, String model, Instant from, String input,
            String tier, TimeOfDay window, MatchRule match) {
        PriceSheet sheet = new PriceSheet(Map.of(Unit.INPUT, UnitPrice.flat(new BigDecimal(input)), Unit.OUTPUT,
                UnitPrice.flat(new BigDecimal(input))));
        return new PriceVersion(id, provider, model, from, sheet, "test", null, "test", Instant.EPOCH, tier, window,
                match);
    }

    private static PriceVersion version(long id, String provider, String model, Instant from, String input) {
        return version(id, provider, model, from, input, ServiceTier.STANDARD, null, null);
    }

    private static String input(java.util.Optional<PriceVersion> v) {
        return v.orElseThrow().prices().input().base().toPlainString();
    }

    @Test
    void theVersionInForceAtATimeIsSelected() {
        PriceBook book = PriceBook.of(List.of(version(1, "openai", "gpt-4o", Instant.EPOCH, "5"),
                version(3, "openai", "gpt-4o", JUNE, "2.5"), version(2, "openai", "gpt-4o", MAY, "3")));

        assertEquals("5", input(book.find("openai", "gpt-4o", MAY.minusSeconds(1))));
        assertEquals("3", input(book.find("openai", "gpt-4o", MAY)));
        assertEquals("3", input(book.find("openai", "gpt-4o", JUNE.minusMillis(1))));
        assertEquals("2.5", input(book.find("openai", "gpt-4o", JUNE)));
        assertEquals(List.of(3L, 2L, 1L), book.versions("openai", "gpt-4o").stream().map(PriceVersion::id).toList());
        assertEquals(3, book.all().size());
        assertEquals(List.of(2L), book.current(MAY).stream().map(PriceVersion::id).toList());
        assertEquals(List.of(), book.versions("openai", "gpt-5"));
        // before its first version a model has no price
        PriceBook late = PriceBook.of(List.of(version(1, "openai", "gpt-4o", JUNE, "2.5")));
        assertTrue(late.find("openai", "gpt-4o", MAY).isEmpty());
    }

    @Test
    void versionsOfOneTimeAreOrderedByIdAndTheOldestWins() {
        PriceBook book = PriceBook.of(List.of(version(7, "p", "m", MAY, "2"), version(4, "p", "m", MAY, "1")));
        assertEquals("1", input(book.find("p", "m", JUNE)));
        assertEquals(List.of(4L, 7L), book.versions("p", "m").stream().map(PriceVersion::id).toList());
    }

    @Test
    void aNameIsLookedUpByProviderAndNeverShortened() {
        PriceBook book = PriceBook.of(List.of(version(1, "openai", "gpt-4o", Instant.EPOCH, "2.5"),
                version(2, "azure", "gpt-4o", Instant.EPOCH, "2.75")));

        assertEquals("2.5", input(book.find("openai", "gpt-4o", MAY)));
        assertEquals("2.75", input(book.find("azure", "gpt-4o", MAY)));
        assertTrue(book.find("openai", "gpt-4o-2024-05-13", MAY).isEmpty(), "a dated name is not its cousin");
        assertTrue(book.find("google", "gpt-4o", MAY).isEmpty());
        assertTrue(book.find(null, "gpt-4o", MAY).isEmpty());
        assertTrue(book.find("openai", null, MAY).isEmpty());
        assertTrue(book.find(null, "gpt-4o", null, MAY).isEmpty());
        assertTrue(book.find("openai", null, null, MAY).isEmpty());
        assertTrue(new PriceIndex(List.of()).resolve("openai", null, null, MAY).isEmpty());
        assertTrue(new PriceIndex(List.of()).resolve(null, "gpt-4o", null, MAY).isEmpty());
    }

    @Test
    void exactThenRulesOldestFirstThenWildcard() {
        MatchRule dated = MatchRule.parse(Fixtures.readTree("{\"starts_with\":\"gpt-4o-\"}"));
        MatchRule all = MatchRule.parse(Fixtures.readTree("{\"contains\":\"gpt\"}"));
        PriceIndex index = new PriceIndex(List.of(version(9, "openai", "late-rule", Instant.EPOCH, "9", "standard",
                null, all), version(5, "openai", "gpt-4o", Instant.EPOCH, "2.5", "standard", null, dated),
                version(6, "openai", "gpt-4o-2024-05-13", Instant.EPOCH, "5"),
                version(7, "openai", PriceBook.ANY_MODEL, Instant.EPOCH, "0")));

        PriceBook.Resolved exact = index.resolve("openai", "gpt-4o-2024-05-13", null, MAY).orElseThrow();
        assertEquals(PriceBook.Match.EXACT, exact.match());
        assertEquals(6, exact.version().id());
        PriceBook.Resolved rule = index.resolve("openai", "GPT-4o-2024-08-06", null, MAY).orElseThrow();
        assertEquals(PriceBook.Match.RULE, rule.match());
        assertEquals("rule", rule.match().id());
        assertEquals(5, rule.version().id(), "the oldest entry whose clauses match");
        assertEquals(9, index.resolve("openai", "my-gpt", null, MAY).orElseThrow().version().id());
        PriceBook.Resolved wildcard = index.resolve("openai", "whisper", null, MAY).orElseThrow();
        assertEquals(PriceBook.Match.WILDCARD, wildcard.match());
        // a free wildcard is a price of zero, not an unknown price
        assertEquals(0, wildcard.version().prices().input().base().signum());
        assertTrue(index.resolve("anthropic", "whisper", null, MAY).isEmpty());
        // a rule whose model has no version at the time does not price it
        assertTrue(new PriceIndex(List.of(version(1, "p", "m", JUNE, "1", "standard", null, all)))
                .resolve("p", "gpt", null, MAY).isEmpty());
    }

    @Test
    void aTierIsPricedOnlyByItsOwnVersions() {
        PriceIndex index = new PriceIndex(List.of(version(1, "openai", "gpt-5", Instant.EPOCH, "1.25"),
                version(2, "openai", "gpt-5", Instant.EPOCH, "2.5", ServiceTier.PRIORITY, null, null)));

        assertEquals("1.25", index.resolve("openai", "gpt-5", null, MAY).orElseThrow().version().prices().input()
                .base().toPlainString());
        assertEquals(2, index.resolve("openai", "gpt-5", "priority", MAY).orElseThrow().version().id());
        assertTrue(index.resolve("openai", "gpt-5", "flex", MAY).isEmpty());
        assertEquals(List.of(2L, 1L), index.current(MAY).stream().map(PriceVersion::id).toList());
    }

    @Test
    void aWindowWinsWithinItsHoursAndFallsBackOutside() {
        TimeOfDay night = new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30));
        PriceIndex index = new PriceIndex(List.of(version(1, "deepseek", "chat", Instant.EPOCH, "0.27"),
                version(2, "deepseek", "chat", MAY, "0.30"),
                version(3, "deepseek", "chat", MAY, "0.15", "standard", night, null)));

        assertEquals(3, index.resolve("deepseek", "chat", null, Instant.parse("2026-05-02T17:00:00Z")).orElseThrow()
                .version().id());
        assertEquals(2, index.resolve("deepseek", "chat", null, Instant.parse("2026-05-02T12:00:00Z")).orElseThrow()
                .version().id());
        assertEquals(1, index.resolve("deepseek", "chat", null, Instant.parse("2026-04-02T17:00:00Z")).orElseThrow()
                .version().id());
        // a generation of windows only falls back to the previous generation outside its windows
        PriceIndex windowsOnly = new PriceIndex(List.of(version(1, "d", "c", Instant.EPOCH, "1"),
                version(2, "d", "c", MAY, "0.5", "standard", night, null)));
        assertEquals(1, windowsOnly.resolve("d", "c", null, Instant.parse("2026-05-02T12:00:00Z")).orElseThrow()
                .version().id());
        assertEquals(2, windowsOnly.resolve("d", "c", null, Instant.parse("2026-05-02T20:00:00Z")).orElseThrow()
                .version().id());
        assertTrue(PriceIndex.at(null, "standard", MAY).isEmpty());
    }

    @Test
    void unpricedIsNotZero() {
        Pricer pricer = new Pricer(PriceBook.of(List.of(version(1, "ollama", PriceBook.ANY_MODEL, Instant.EPOCH, "0"))),
                new SimpleMeterRegistry(), ConfiguredModels.none());
        Usage usage = new Usage(1000, 0, 0, 100, 0, Usage.Source.PROVIDER);

        PricedUsage free = pricer.evaluate("ollama", "ollama", "llama3", usage, MAY);
        assertTrue(free.priced());
        assertEquals(0, free.cost().micros());
        assertEquals(1, free.priceVersionId());
        assertEquals("wildcard", free.priceMatch());
        PricedUsage unknown = pricer.evaluate("openai", "openai", "gpt-4o", usage, MAY);
        assertFalse(unknown.priced());
        assertNull(unknown.cost());
        assertNull(unknown.priceVersionId());
        assertTrue(pricer.quote("openai", "openai", "gpt-4o", usage, MAY).isEmpty());
        assertEquals(0, pricer.quote("ollama", "ollama", "x", usage, MAY).orElseThrow().micros());
    }

    @Test
    void theCatalogueRowsTiersAndColumns() {
        PriceSheet tiered = new PriceSheet(Map.of(Unit.INPUT,
                new UnitPrice(new BigDecimal("3"), List.of(new TierStep(200_000, new BigDecimal("6.0")))), Unit.OUTPUT,
                UnitPrice.flat(new BigDecimal("15"))));
        JsonObject tiers = PriceRows.tiers(tiered);
        assertEquals("{\"input\":[{\"start\":200000,\"price\":\"6.0\"}]}", tiers.encode());
        assertNull(PriceRows.tiers(new PriceSheet(Map.of(Unit.INPUT, UnitPrice.flat(BigDecimal.ONE), Unit.OUTPUT,
                UnitPrice.flat(BigDecimal.ONE)))));
        assertEquals("reasoning_mtok", PriceRows.column(Unit.REASONING));
        assertEquals("input_mtok", PriceRows.column(Unit.INPUT));
        assertEquals("audio_hours", PriceRows.column(Unit.AUDIO_SECONDS));
        assertTrue(PriceRows.COLUMNS.startsWith("id, provider, model, effective_from, input_mtok, "), PriceRows.COLUMNS);
        assertTrue(PriceRows.COLUMNS.contains(", reasoning_mtok, "));
        assertTrue(PriceRows.COLUMNS.endsWith(", match_rule, created_at"), PriceRows.COLUMNS);
        PriceBook book = PriceBook.of(List.of());
        book.load(List.of(version(1, "p", "m", Instant.EPOCH, "1")));
        assertEquals("1", input(book.find("p", "m", MAY)));
    }

    @Test
    void countsThatCannotDescribeARequestAreRefused() {
        // the six-count constructor's refusals are CostCalculatorTest.invalidCountsAreRejected; these are the unit map's
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(Map.of(Unit.INPUT, -1L)));
        assertThrows(IllegalArgumentException.class,
                () -> new TokenCounts(Map.of(Unit.INPUT, 10L, Unit.INPUT_AUDIO, 11L)));
        assertThrows(IllegalArgumentException.class,
                () -> new TokenCounts(Map.of(Unit.INPUT, 10L, Unit.CACHE_WRITE, 4L, Unit.CACHE_WRITE_5M, 5L)));
        // the edges are allowed
        TokenCounts full = new TokenCounts(10, 4, 6, 6, 5, 5);
        assertEquals(10, full.inputTotal());
        assertEquals(4, full.cacheRead());
        assertEquals(6, full.cacheWrite());
        assertEquals(6, full.cacheWrite1h());
        assertEquals(5, full.output());
        assertEquals(5, full.reasoning());
        assertEquals(0, full.count(Unit.CACHE_WRITE_5M));
        assertEquals(new TokenCounts(10, 4, 6, 6, 5, 5), full);
        assertEquals(full.hashCode(), new TokenCounts(10, 4, 6, 6, 5, 5).hashCode());
        assertEquals(Map.of(Unit.INPUT, 10L), TokenCounts.of(10, 0).counts());
        assertTrue(full.toString().contains("INPUT=10"));
        java.util.HashMap<Unit, Long> withNull = new java.util.HashMap<>();
        withNull.put(Unit.INPUT, null);
        assertEquals(0, new TokenCounts(withNull).inputTotal());
        assertEquals(1, new TokenCounts(Map.of(Unit.INPUT, 1L, Unit.INPUT_AUDIO, 1L)).count(Unit.INPUT_AUDIO));
    }
}
