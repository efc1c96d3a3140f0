package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.tokenledger.pricing.CostCalculatorTest.assertDecimal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenaiPricesImporterTest {

    static final String SOURCE = "genai-prices@0123456789abcdef0123456789abcdef01234567";

    static ImportResult result;

    @BeforeAll
    static void importFixture() {
        result = GenaiPricesImporter.parse(Fixtures.open("genai-prices-v2.json"), SOURCE);
    }

    @Test
    void importsEveryExpressibleModelAndSkipsTheRest() {
        assertEquals(List.of(
                "anthropic/claude-sonnet-4-5",
                "anthropic/claude-opus-4-6",
                "anthropic/claude-opus-4-6",
                "anthropic/claude-free-search",
                "openai/gpt-4o",
                "openai/o3",
                "openai/o3",
                "openai/reasoner-mini",
                "google/gemini-2.5-pro"),
                result.entries().stream().map(e -> e.provider() + "/" + e.model()).toList());
        assertEquals(7, result.skipped().size(), result.skipped()::toString);
        result.entries().forEach(e -> assertEquals(SOURCE, e.source()));
    }

    @Test
    void flatPrices() {
        CatalogueEntry gpt4o = Fixtures.only(result.entries(), "openai", "gpt-4o");

        assertEquals(Instant.EPOCH, gpt4o.effectiveFrom());
        assertEquals(UnitPrice.flat(new BigDecimal("2.5")), gpt4o.prices().input());
        assertEquals(UnitPrice.flat(new BigDecimal("1.25")), gpt4o.prices().cacheRead());
        assertEquals(UnitPrice.flat(new BigDecimal("10")), gpt4o.prices().output());
        assertNull(gpt4o.prices().cacheWrite());
        assertNull(gpt4o.prices().cacheWrite1h());
        assertNull(gpt4o.prices().reasoning());
    }

    @Test
    void tieredPricesOnEveryUnit() {
        CatalogueEntry sonnet = Fixtures.only(result.entries(), "anthropic", "claude-sonnet-4-5");
        PriceSheet prices = sonnet.prices();

        assertEquals(new UnitPrice(new BigDecimal("3"), List.of(new TierStep(200_000, new BigDecimal("6")))),
                prices.input());
        assertEquals(new UnitPrice(new BigDecimal("0.3"), List.of(new TierStep(200_000, new BigDecimal("0.6")))),
                prices.cacheRead());
        assertEquals(new UnitPrice(new BigDecimal("3.75"), List.of(new TierStep(200_000, new BigDecimal("7.5")))),
                prices.cacheWrite());
        assertEquals(new UnitPrice(new BigDecimal("6"), List.of(new TierStep(200_000, new BigDecimal("12")))),
                prices.cacheWrite1h());
        assertEquals(new UnitPrice(new BigDecimal("15"), List.of(new TierStep(200_000, new BigDecimal("22.5")))),
                prices.output());
        assertEquals("One-hour cache writes cost 2x the base input price.", sonnet.note());
    }

    @Test
    void conditionalDatedPricesBecomeVersions() {
        List<CatalogueEntry> o3 = Fixtures.all(result.entries(), "openai", "o3");

        assertEquals(2, o3.size());
        assertEquals(Instant.EPOCH, o3.get(0).effectiveFrom());
        assertDecimal("10", o3.get(0).prices().input().base());
        assertDecimal("40", o3.get(0).prices().output().base());
        assertEquals(Instant.parse("2025-06-10T00:00:00Z"), o3.get(1).effectiveFrom());
        assertDecimal("2", o3.get(1).prices().input().base());
        assertDecimal("0.5", o3.get(1).prices().cacheRead().base());
        assertDecimal("8", o3.get(1).prices().output().base());

        List<CatalogueEntry> opus = Fixtures.all(result.entries(), "anthropic", "claude-opus-4-6");
        assertEquals(List.of(Instant.EPOCH, Instant.parse("2026-03-13T00:00:00Z")),
                opus.stream().map(CatalogueEntry::effectiveFrom).toList());
        assertEquals(1, opus.get(0).prices().input().tiers().size());
        assertEquals(List.of(), opus.get(1).prices().input().tiers());
    }

    @Test
    void timeOfDayPricesSkipTheModel() {
        String reason = Fixtures.skipped(result, "deepseek/deepseek-chat");

        assertTrue(reason.contains("time-of-day"), reason);
        assertTrue(Fixtures.all(result.entries(), "deepseek", "deepseek-chat").isEmpty());
    }

    @Test
    void unsupportedNonZeroUnitsSkipTheModel() {
        assertTrue(Fixtures.skipped(result, "openai/gpt-4o-realtime-preview").contains("input_audio_mtok"));
        assertTrue(Fixtures.skipped(result, "google/gemini-2.5-flash").contains("input_audio_mtok"));
        assertTrue(Fixtures.skipped(result, "anthropic/claude-haiku-4-5").contains("web_searches_kcount"));
        assertTrue(Fixtures.skipped(result, "groq/per-request-fee").contains("requests_kcount"));
    }

    @Test
    void unsupportedUnitsPricedAtZeroAreHarmless() {
        CatalogueEntry entry = Fixtures.only(result.entries(), "anthropic", "claude-free-search");

        assertDecimal("1", entry.prices().input().base());
        assertDecimal("5", entry.prices().output().base());
    }

    @Test
    void aModelWithoutAnOutputPriceIsSkipped() {
        assertTrue(Fixtures.skipped(result, "openai/text-embedding-3-small").contains("no output price"));
    }

    @Test
    void datedPricesOutOfOrderAreSkipped() {
        assertTrue(Fixtures.skipped(result, "google/gemini-dates-out-of-order").contains("order"));
    }

    @Test
    void reasoningPriceMapsToTheReasoningUnit() {
        CatalogueEntry entry = Fixtures.only(result.entries(), "openai", "reasoner-mini");

        assertEquals(UnitPrice.flat(new BigDecimal("3.5")), entry.prices().reasoning());
    }

    @Test
    void quoteExampleAFromTheImportedSheet() {
        PriceSheet sonnet = Fixtures.only(result.entries(), "anthropic", "claude-sonnet-4-5").prices();

        assertEquals(30_000, CostCalculator.cost(sonnet, new TokenCounts(24_000, 20_000, 3_000, 1_000, 500, 0))
                .micros());
        assertEquals(1_522_500, CostCalculator.cost(sonnet, TokenCounts.of(250_000, 1_000)).micros());
    }

    @Test
    void quoteTheDatedVersionAndATieredGeminiRequest() {
        PriceSheet o3AfterCut = Fixtures.all(result.entries(), "openai", "o3").get(1).prices();
        // 8,000 uncached x $2 + 2,000 cached x $0.50 + 5,000 output (4,000 of them reasoning) x $8
        assertEquals(57_000,
                CostCalculator.cost(o3AfterCut, new TokenCounts(10_000, 2_000, 0, 0, 5_000, 4_000)).micros());

        PriceSheet gemini = Fixtures.only(result.entries(), "google", "gemini-2.5-pro").prices();
        // above 200k: 200,000 uncached x $2.50 + 50,000 cached x $0.25 + 2,000 output x $15
        assertEquals(542_500,
                CostCalculator.cost(gemini, new TokenCounts(250_000, 50_000, 0, 0, 2_000, 0)).micros());
    }

    @Test
    void constraintsThatCannotBeVersionsAreRejectedPerModel() {
        ImportResult undatedLast = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "m", "prices": [
                  {"constraint": {"start_date": "2025-01-01"}, "prices": {"input_mtok": 1, "output_mtok": 2}},
                  {"prices": {"input_mtok": 3, "output_mtok": 4}}]}]}]
                """), SOURCE);
        assertEquals(List.of(), undatedLast.entries());
        assertTrue(Fixtures.skipped(undatedLast, "p/m").contains("start_date"));

        ImportResult onlyDated = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "m", "prices": [
                  {"constraint": {"start_date": "2025-01-01"}, "prices": {"input_mtok": 1, "output_mtok": 2}}]}]}]
                """), SOURCE);
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), onlyDated.entries().get(0).effectiveFrom());
    }

    @Test
    void exactDecimalsFromTheLiteral() {
        ImportResult exact = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "m", "prices": {"input_mtok": 0.00875, "output_mtok": 1.1}}]}]
                """), SOURCE);

        assertEquals(new BigDecimal("0.00875"), exact.entries().get(0).prices().input().base());
        assertEquals(new BigDecimal("1.1"), exact.entries().get(0).prices().output().base());
    }

    @Test
    void malformedDocumentsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> GenaiPricesImporter.parse(Fixtures.json("{\"id\": \"openai\"}"), SOURCE));
        assertThrows(IllegalArgumentException.class,
                () -> GenaiPricesImporter.parse(Fixtures.json("[{\"models\": []}]"), SOURCE));
        assertThrows(IllegalArgumentException.class, () -> GenaiPricesImporter.parse(Fixtures.json("[{"), SOURCE));
    }
}
