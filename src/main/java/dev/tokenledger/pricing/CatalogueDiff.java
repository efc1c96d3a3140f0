package dev.tokenledger.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * What importing a price file would change in the catalogue, decided without writing anything: the report of an
 * import and of its dry run, and the versions to append.
 * <p>
 * Prices are compared by value ({@code 2.5} equals {@code 2.50}), unit by unit and tier by tier, so re-importing the
 * same file appends nothing. The versions of a model (per service tier) that share an effective time form a
 * <em>generation</em>: the all-day price and its time-of-day windows, which {@link PriceBook} resolves together; a
 * generation is compared and written as a whole (prices, windows and match clauses), so no window of an older
 * generation can stay behind. The catalogue is append-only, so an import never rewrites the past:
 * <ul>
 * <li>a model (and tier) the catalogue does not know gets every imported version as it is ({@link Kind#ADDED});</li>
 * <li>the imported generation in force now is compared with the catalogue's generation in force now; when they differ
 * it is appended from its own start if that is later than every stored version, else from {@code now}
 * ({@link Kind#CHANGED});</li>
 * <li>a future generation is appended at its start unless the catalogue has that start already (with other prices:
 * {@link Kind#SKIPPED}, versions are append-only);</li>
 * <li>a past generation (superseded within the file) is added only before the catalogue's first version of the model;
 * one that differs from the stored one at the same start, or falls between stored versions, is reported and left
 * alone ({@link Kind#SKIPPED}).</li>
 * </ul>
 */
public final class CatalogueDiff {

    public enum Kind {
        ADDED, CHANGED, UNCHANGED, SKIPPED
    }

    /**
     * One imported version and what happens to it; {@code write} is the version to append (null when nothing is
     * written), {@code reason} explains a skip or where a change starts.
     */
    public record Change(Kind kind, CatalogueEntry entry, CatalogueEntry write, String reason) {
    }

    private final List<Change> changes;

    private CatalogueDiff(List<Change> changes) {
        this.changes = List.copyOf(changes);
    }

    public List<Change> changes() {
        return changes;
    }

    /** The versions to append, in import order of their models. */
    public List<CatalogueEntry> writes() {
        return changes.stream().filter(c -> c.write() != null).map(Change::write).toList();
    }

    public int count(Kind kind) {
        return (int) changes.stream().filter(c -> c.kind() == kind).count();
    }

    /**
     * The diff of imported entries against the stored catalogue at {@code now}; {@code stored} gives every stored
     * version of a provider and model ({@link PriceBook#versions}).
     */
    public static CatalogueDiff of(List<CatalogueEntry> imported, BiFunction<String, String, List<PriceVersion>> stored,
            Instant now) {
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(now, "now");
        Map<List<String>, List<CatalogueEntry>> byModel = new LinkedHashMap<>();
        for (CatalogueEntry e : imported) {
            byModel.computeIfAbsent(List.of(e.provider(), e.model(), e.serviceTier()), k -> new ArrayList<>()).add(e);
        }
        List<Change> changes = new ArrayList<>();
        byModel.forEach((key, entries) -> {
            List<PriceVersion> versions = stored.apply(key.get(0), key.get(1)).stream()
                    .filter(v -> v.serviceTier().equals(key.get(2))).toList();
            model(entries, versions, now, changes);
        });
        return new CatalogueDiff(changes);
    }

    private static void model(List<CatalogueEntry> entries, List<PriceVersion> stored, Instant now, List<Change> out) {
        if (stored.isEmpty()) {
            entries.forEach(e -> out.add(new Change(Kind.ADDED, e, e, null)));
            return;
        }
        TreeMap<Instant, List<CatalogueEntry>> imported = new TreeMap<>();
        entries.forEach(e -> imported.computeIfAbsent(e.effectiveFrom(), k -> new ArrayList<>()).add(e));
        TreeMap<Instant, List<PriceVersion>> kept = new TreeMap<>();
        stored.forEach(v -> kept.computeIfAbsent(v.effectiveFrom(), k -> new ArrayList<>()).add(v));

        Instant current = imported.floorKey(now);
        Instant storedCurrent = kept.floorKey(now);
        Instant storedLatest = kept.lastKey();
        Instant storedFirst = kept.firstKey();
        imported.forEach((from, generation) -> {
            List<PriceVersion> sameStart = kept.get(from);
            if (from.equals(current)) {
                List<PriceVersion> inForce = storedCurrent == null ? List.of() : kept.get(storedCurrent);
                if (same(generation, inForce)) {
                    generation.forEach(e -> out.add(new Change(Kind.UNCHANGED, e, null, null)));
                    return;
                }
                Instant at = from.isAfter(storedLatest) ? from : now;
                String reason = inForce.isEmpty()
                        ? "a price from " + at
                        : "differs from version " + inForce.get(0).id() + "; new version from " + at;
                generation.forEach(e -> out.add(new Change(Kind.CHANGED, e, at(e, at), reason)));
            } else if (sameStart != null) {
                boolean same = same(generation, sameStart);
                generation.forEach(e -> out.add(same
                        ? new Change(Kind.UNCHANGED, e, null, null)
                        : new Change(Kind.SKIPPED, e, null, "the catalogue has other prices from " + from
                                + " (version " + sameStart.get(0).id() + "); versions are append-only")));
            } else if (from.isAfter(now)) {
                generation.forEach(e -> out.add(new Change(Kind.CHANGED, e, e, "scheduled from " + from)));
            } else if (from.isBefore(storedFirst)) {
                generation.forEach(e -> out.add(new Change(Kind.ADDED, e, e,
                        "history before the catalogue's first version (" + storedFirst + ")")));
            } else {
                generation.forEach(e -> out.add(new Change(Kind.SKIPPED, e, null, "a past price from " + from
                        + " between the catalogue's own versions; past prices are not rewritten")));
            }
        });
    }

    /** True when an imported generation equals a stored one: the same windows with the same prices and match. */
    private static boolean same(List<CatalogueEntry> generation, List<PriceVersion> stored) {
        if (generation.size() != stored.size()) {
            return false;
        }
        for (CatalogueEntry e : generation) {
            boolean found = false;
            for (PriceVersion v : stored) {
                if (Objects.equals(e.timeOfDay(), v.timeOfDay()) && Objects.equals(e.match(), v.match())
                        && samePrices(e.prices(), v.prices())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static CatalogueEntry at(CatalogueEntry e, Instant from) {
        return new CatalogueEntry(e.provider(), e.model(), from, e.prices(), e.source(), e.note(), e.serviceTier(),
                e.timeOfDay(), e.match());
    }

    /** Equal prices by value ({@code 2.5} and {@code 2.50} are the same price), every unit and tier. */
    static boolean samePrices(PriceSheet a, PriceSheet b) {
        for (Unit unit : Unit.values()) {
            if (!samePrice(a.price(unit), b.price(unit))) {
                return false;
            }
        }
        return true;
    }

    static boolean samePrice(UnitPrice a, UnitPrice b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.base().compareTo(b.base()) != 0 || a.tiers().size() != b.tiers().size()) {
            return false;
        }
        for (int i = 0; i < a.tiers().size(); i++) {
            TierStep x = a.tiers().get(i);
            TierStep y = b.tiers().get(i);
            if (x.start() != y.start() || x.price().compareTo(y.price()) != 0) {
                return false;
            }
        }
        return true;
    }
}
