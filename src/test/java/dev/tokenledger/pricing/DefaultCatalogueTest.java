package dev.tokenledger.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default catalogue: the bundled genai-prices snapshot (npm package data) plus the gateway's own entries. */
class DefaultCatalogueTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void theSnapshotImportsEveryModelWithEveryMatchClause() throws IOException {
        DefaultCatalogue.Seed seed = DefaultCatalogue.load();

        assertTrue(seed.source().startsWith("genai-prices@npm:@pydantic/genai-prices@"), seed.source());
        assertTrue(seed.source().contains("published 20"), seed.source());
        // 1,694 models in the snapshot, none skipped (the 8 billed per hour of audio included)
        assertEquals(List.of(), seed.skipped());
        assertTrue(seed.entries().size() > 1_700, () -> "entries: " + seed.entries().size());
        seed.entries().forEach(e -> assertNotNull(e.source(), e::toString));
        ImportResult imported;
        try (InputStream in = PriceBook.class.getResourceAsStream("/prices/genai-prices.json")) {
            imported = GenaiPricesImporter.parse(in, "genai-prices@test");
        }
        assertEquals(List.of(), imported.notes(), "no match clause dropped");
    }

    @Test
    void audioBilledPerHourIsPriced() {
        List<CatalogueEntry> entries = DefaultCatalogue.load().entries();
        PriceSheet whisper = Fixtures.only(entries, "openai", "whisper-1").prices();

        // 90 seconds at $0.36 per hour: the input-audio leaf takes them all, the undirected audio leaf none
        TokenCounts ninetySeconds = TokenCounts.of(0, 0).with(Unit.AUDIO_SECONDS, 90).with(Unit.INPUT_AUDIO_SECONDS, 90);
        Cost cost = CostCalculator.cost(whisper, ninetySeconds);
        assertEquals(9_000, cost.micros());
        assertEquals(0, new BigDecimal("0.009").compareTo(cost.exactUsd()), cost.exactUsd()::toPlainString);
        // a voice model prices the conversation's audio, sent and received, by its one per-hour price
        PriceSheet voice = Fixtures.only(entries, "x-ai", "grok-voice-think-fast-2.0").prices();
        assertEquals(4_000, CostCalculator.cost(voice,
                TokenCounts.of(0, 0).with(Unit.AUDIO_SECONDS, 3).with(Unit.INPUT_AUDIO_SECONDS, 1)).micros());
    }

    @Test
    void geminiMatchClausesWithCaseClassesResolveAsGenaiPricesResolvesThem() {
        PriceIndex index = new PriceIndex(stored(DefaultCatalogue.load().entries()));

        // gemini-2.5-pro's clause: starts_with the id, and a negative look-ahead refusing its "-tts" variants
        assertEquals("gemini-2.5-pro", index.resolve("google", "gemini-2.5-pro-preview-06-05", null, NOW).orElseThrow()
                .version().model());
        assertEquals("gemini-2.5-pro",
                index.resolve("google", "Gemini-2.5-Pro-Preview-06-05", null, NOW).orElseThrow().version().model());
        assertTrue(index.resolve("google", "gemini-2.5-pro-preview-tts", null, NOW)
                .map(r -> !r.version().model().equals("gemini-2.5-pro")).orElse(true));
        assertTrue(index.resolve("google", "gemini-2.5-pro-TTS", null, NOW)
                .map(r -> !r.version().model().equals("gemini-2.5-pro")).orElse(true));
    }

    @Test
    void modelsTheOldImportSkippedArePriced() {
        List<CatalogueEntry> entries = DefaultCatalogue.load().entries();

        PriceSheet gpt4o = Fixtures.only(entries, "openai", "gpt-4o").prices();
        assertEquals(35_000, CostCalculator.cost(gpt4o, new TokenCounts(10_000, 8_000, 0, 0, 2_000, 1_500)).micros());
        assertNotNull(gpt4o.price(Unit.STORAGE_SEARCHES));

        PriceSheet gpt41 = Fixtures.only(entries, "openai", "gpt-4.1").prices();
        assertEquals(new BigDecimal("2"), gpt41.input().base().stripTrailingZeros());

        PriceSheet sonnet = Fixtures.only(entries, "anthropic", "claude-sonnet-4-5").prices();
        assertEquals(new BigDecimal("10"), sonnet.price(Unit.WEB_SEARCHES).base());
        assertEquals(30_000, CostCalculator.cost(sonnet, new TokenCounts(24_000, 20_000, 3_000, 1_000, 500, 0))
                .micros());
        assertEquals(1_522_500, CostCalculator.cost(sonnet, TokenCounts.of(250_000, 1_000)).micros());
        assertEquals(615_000, CostCalculator.cost(sonnet, TokenCounts.of(200_000, 1_000)).micros());
        // three web searches at $10 per thousand on top of the tokens
        assertEquals(30_000 + 30_000, CostCalculator.cost(sonnet,
                new TokenCounts(24_000, 20_000, 3_000, 1_000, 500, 0).with(Unit.WEB_SEARCHES, 3)).micros());

        for (String gemini : List.of("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash")) {
            List<CatalogueEntry> found = Fixtures.all(entries, "google", gemini);
            assertEquals(1, found.size(), gemini);
        }
        PriceSheet flash = Fixtures.only(entries, "google", "gemini-2.5-flash").prices();
        assertNotNull(flash.price(Unit.INPUT_AUDIO), "Gemini audio input is priced");
        PriceSheet pro = Fixtures.only(entries, "google", "gemini-2.5-pro").prices();
        assertEquals(542_500, CostCalculator.cost(pro, new TokenCounts(250_000, 50_000, 0, 0, 2_000, 0)).micros());
    }

    @Test
    void timeOfDayPricesAreVersionsWithWindows() {
        List<CatalogueEntry> flash = Fixtures.all(DefaultCatalogue.load().entries(), "deepseek", "deepseek-v4-flash");

        assertEquals(4, flash.size(), flash::toString);
        Instant cut = Instant.parse("2026-08-17T00:00:00Z");
        assertEquals(List.of(Instant.EPOCH, cut, cut, cut), flash.stream().map(CatalogueEntry::effectiveFrom).toList());
        assertEquals(2, flash.stream().filter(e -> e.timeOfDay() != null).count());
    }

    @Test
    void reimportingTheSnapshotAddsNoVersion() throws IOException {
        DefaultCatalogue.Seed seed = DefaultCatalogue.load();
        List<PriceVersion> stored = stored(seed.entries());

        ImportResult again;
        try (InputStream in = PriceBook.class.getResourceAsStream("/prices/genai-prices.json")) {
            again = GenaiPricesImporter.parse(in, "genai-prices@again");
        }
        CatalogueDiff diff = CatalogueDiff.of(again.entries(), index(stored)::versions, NOW);

        assertEquals(List.of(), diff.writes());
        assertEquals(0, diff.count(CatalogueDiff.Kind.SKIPPED), diff.changes()::toString);
        assertEquals(again.entries().size(), diff.count(CatalogueDiff.Kind.UNCHANGED));
    }

    /** Stored versions as PriceBook would load them after seeding. */
    static List<PriceVersion> stored(List<CatalogueEntry> entries) {
        List<PriceVersion> versions = new ArrayList<>();
        long id = 1;
        for (CatalogueEntry e : entries) {
            versions.add(new PriceVersion(id++, e.provider(), e.model(), e.effectiveFrom(), e.prices(), e.source(),
                    "initial catalogue", "default-catalogue", NOW, e.serviceTier(), e.timeOfDay(), e.match()));
        }
        return versions;
    }

    static PriceBook index(List<PriceVersion> versions) {
        return PriceBook.of(versions);
    }
}
