package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an import writes, decided against the stored catalogue without a database. */
class CatalogueDiffTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Instant CUT = Instant.parse("2026-03-13T00:00:00Z");
    static final TimeOfDay PEAK = new TimeOfDay(LocalTime.of(1, 0), LocalTime.of(4, 0));

    static PriceSheet sheet(String input, String output) {
        return new PriceSheet(UnitPrice.flat(new BigDecimal(input)), null, null, null,
                UnitPrice.flat(new BigDecimal(output)), null);
    }

    static CatalogueEntry entry(String model, Instant from, PriceSheet prices, TimeOfDay window) {
        return new CatalogueEntry("p", model, from, prices, "test", null, ServiceTier.STANDARD, window, null);
    }

    static CatalogueDiff diff(List<CatalogueEntry> imported, List<CatalogueEntry> stored) {
        List<PriceVersion> versions = new ArrayList<>(DefaultCatalogueTest.stored(stored));
        return CatalogueDiff.of(imported, DefaultCatalogueTest.index(versions)::versions, NOW);
    }

    @Test
    void sameValueWrittenWithAnotherScaleIsUnchanged() {
        // "2.50" and "2.5" are one price: comparing them as text appended a version on every import
        CatalogueDiff d = diff(List.of(entry("m", Instant.EPOCH, sheet("2.5", "10"), null)),
                List.of(entry("m", Instant.EPOCH, sheet("2.50", "10.00"), null)));

        assertEquals(List.of(), d.writes());
        assertEquals(1, d.count(CatalogueDiff.Kind.UNCHANGED));
    }

    @Test
    void aChangedPriceIsANewVersionFromNow() {
        CatalogueDiff d = diff(List.of(entry("m", Instant.EPOCH, sheet("2.5", "10.01"), null)),
                List.of(entry("m", Instant.EPOCH, sheet("2.5", "10"), null)));

        assertEquals(1, d.count(CatalogueDiff.Kind.CHANGED));
        assertEquals(List.of(NOW), d.writes().stream().map(CatalogueEntry::effectiveFrom).toList());
        assertTrue(d.changes().get(0).reason().contains("differs from version 1"), d.changes()::toString);
    }

    @Test
    void aCurrentPriceForAModelWhoseOnlyStoredVersionIsScheduledIsAddedFromNow() {
        Instant future = Instant.parse("2027-01-01T00:00:00Z");
        CatalogueDiff d = diff(List.of(entry("m", Instant.EPOCH, sheet("1", "2"), null)),
                List.of(entry("m", future, sheet("3", "4"), null)));

        assertEquals(1, d.count(CatalogueDiff.Kind.CHANGED), d.changes()::toString);
        // nothing in force to differ from: the price applies from now, before the scheduled version
        assertEquals("a price from " + NOW, d.changes().get(0).reason());
        assertEquals(List.of(NOW), d.writes().stream().map(CatalogueEntry::effectiveFrom).toList());
    }

    @Test
    void aChangeInAnyUnitOrTierIsSeen() {
        PriceSheet base = sheet("1", "2");
        List<PriceSheet> others = List.of(
                base.with(Unit.CACHE_READ, UnitPrice.flat(new BigDecimal("0.1"))),
                base.with(Unit.WEB_SEARCHES, UnitPrice.flat(new BigDecimal("10"))),
                base.with(Unit.INPUT, new UnitPrice(BigDecimal.ONE, List.of(new TierStep(5, BigDecimal.TEN)))));
        for (PriceSheet other : others) {
            assertFalse(CatalogueDiff.samePrices(base, other), other::toString);
            assertFalse(CatalogueDiff.samePrices(other, base), other::toString);
        }
        UnitPrice tiered = new UnitPrice(BigDecimal.ONE, List.of(new TierStep(5, BigDecimal.TEN)));
        assertTrue(CatalogueDiff.samePrice(tiered,
                new UnitPrice(new BigDecimal("1.0"), List.of(new TierStep(5, new BigDecimal("10.00"))))));
        assertFalse(CatalogueDiff.samePrice(tiered, new UnitPrice(BigDecimal.ONE, List.of(new TierStep(6, BigDecimal.TEN)))));
        assertFalse(CatalogueDiff.samePrice(tiered, new UnitPrice(BigDecimal.ONE, List.of(new TierStep(5, BigDecimal.ONE)))));
        assertFalse(CatalogueDiff.samePrice(tiered, new UnitPrice(BigDecimal.ONE, List.of(new TierStep(5, BigDecimal.TEN),
                new TierStep(9, BigDecimal.TEN)))));
        assertFalse(CatalogueDiff.samePrice(tiered, null));
        assertTrue(CatalogueDiff.samePrice(null, null));
    }

    @Test
    void aNewModelGetsItsWholeHistory() {
        CatalogueDiff d = diff(List.of(entry("new", Instant.EPOCH, sheet("5", "25"), null),
                entry("new", CUT, sheet("4", "20"), null)), List.of(entry("other", Instant.EPOCH, sheet("1", "1"), null)));

        assertEquals(2, d.count(CatalogueDiff.Kind.ADDED));
        assertEquals(List.of(Instant.EPOCH, CUT), d.writes().stream().map(CatalogueEntry::effectiveFrom).toList());
    }

    @Test
    void pastPricesAreAddedOnlyBeforeTheFirstStoredVersion() {
        Instant mid = Instant.parse("2025-01-01T00:00:00Z");
        List<CatalogueEntry> stored = List.of(entry("m", mid, sheet("4", "20"), null));
        CatalogueDiff before = diff(List.of(entry("m", Instant.EPOCH, sheet("5", "25"), null),
                entry("m", CUT, sheet("4", "20"), null)), stored);

        assertEquals(List.of(CatalogueDiff.Kind.ADDED, CatalogueDiff.Kind.UNCHANGED),
                before.changes().stream().map(CatalogueDiff.Change::kind).toList());
        assertEquals(List.of(Instant.EPOCH), before.writes().stream().map(CatalogueEntry::effectiveFrom).toList());

        CatalogueDiff between = diff(List.of(entry("m", Instant.parse("2025-06-01T00:00:00Z"), sheet("5", "25"), null),
                entry("m", CUT, sheet("4", "20"), null)), List.of(entry("m", Instant.EPOCH, sheet("4", "20"), null)));
        assertEquals(CatalogueDiff.Kind.SKIPPED, between.changes().get(0).kind());
        assertTrue(between.changes().get(0).reason().contains("not rewritten"));

        CatalogueDiff rewritten = diff(List.of(entry("m", Instant.EPOCH, sheet("9", "9"), null),
                entry("m", CUT, sheet("4", "20"), null)),
                List.of(entry("m", Instant.EPOCH, sheet("5", "25"), null),
                        entry("m", CUT, sheet("4", "20"), null)));
        assertEquals(List.of(CatalogueDiff.Kind.SKIPPED, CatalogueDiff.Kind.UNCHANGED),
                rewritten.changes().stream().map(CatalogueDiff.Change::kind).toList());
        assertEquals(List.of(), rewritten.writes());
    }

    @Test
    void aLaterImportedStartIsKeptAndAFutureOneScheduled() {
        Instant later = Instant.parse("2026-11-01T00:00:00Z");
        Instant future = Instant.parse("2027-01-01T00:00:00Z");
        CatalogueDiff d = diff(List.of(entry("m", Instant.EPOCH, sheet("5", "25"), null),
                entry("m", later, sheet("4", "20"), null), entry("m", future, sheet("3", "15"), null)),
                List.of(entry("m", Instant.EPOCH, sheet("5", "25"), null)));

        assertEquals(List.of(CatalogueDiff.Kind.UNCHANGED, CatalogueDiff.Kind.CHANGED, CatalogueDiff.Kind.CHANGED),
                d.changes().stream().map(CatalogueDiff.Change::kind).toList());
        assertEquals(List.of(later, future), d.writes().stream().map(CatalogueEntry::effectiveFrom).toList());

        CatalogueDiff again = diff(List.of(entry("m", future, sheet("3", "15"), null)),
                List.of(entry("m", Instant.EPOCH, sheet("5", "25"), null), entry("m", future, sheet("3", "15"), null)));
        assertEquals(List.of(), again.writes());
        CatalogueDiff other = diff(List.of(entry("m", future, sheet("2", "15"), null)),
                List.of(entry("m", Instant.EPOCH, sheet("5", "25"), null), entry("m", future, sheet("3", "15"), null)));
        assertEquals(CatalogueDiff.Kind.SKIPPED, other.changes().get(0).kind());
    }

    @Test
    void aGenerationWithWindowsIsComparedAndWrittenWhole() {
        List<CatalogueEntry> stored = List.of(entry("m", Instant.EPOCH, sheet("1", "2"), null),
                entry("m", Instant.EPOCH, sheet("3", "4"), PEAK));
        assertEquals(List.of(), diff(stored, stored).writes());

        // only the peak price changed: the all-day price is written again with it, from now
        CatalogueDiff d = diff(List.of(entry("m", Instant.EPOCH, sheet("1", "2"), null),
                entry("m", Instant.EPOCH, sheet("3.5", "4"), PEAK)), stored);
        assertEquals(2, d.count(CatalogueDiff.Kind.CHANGED));
        assertEquals(List.of(NOW, NOW), d.writes().stream().map(CatalogueEntry::effectiveFrom).toList());
        assertEquals(PEAK, d.writes().get(1).timeOfDay());

        // a window dropped from the source
        CatalogueDiff dropped = diff(List.of(entry("m", Instant.EPOCH, sheet("1", "2"), null)), stored);
        assertEquals(1, dropped.writes().size());
        // a window moved
        CatalogueDiff moved = diff(List.of(entry("m", Instant.EPOCH, sheet("1", "2"), null),
                entry("m", Instant.EPOCH, sheet("3", "4"), new TimeOfDay(LocalTime.of(2, 0), LocalTime.of(4, 0)))),
                stored);
        assertEquals(2, moved.writes().size());
    }

    @Test
    void serviceTiersAreDiffedApart() {
        CatalogueEntry standard = entry("m", Instant.EPOCH, sheet("1", "2"), null);
        CatalogueEntry priority = new CatalogueEntry("p", "m", Instant.EPOCH, sheet("2", "4"), "test", null,
                ServiceTier.PRIORITY, null, null);

        CatalogueDiff d = diff(List.of(standard, priority), List.of(standard));
        assertEquals(List.of(CatalogueDiff.Kind.UNCHANGED, CatalogueDiff.Kind.ADDED),
                d.changes().stream().map(CatalogueDiff.Change::kind).toList());
    }
}
