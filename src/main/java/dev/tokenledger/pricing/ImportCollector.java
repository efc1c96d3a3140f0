package dev.tokenledger.pricing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers the versions imported for each (provider, model). When a source defines the same model twice, identical
 * definitions are kept once; differing ones drop the model, since either choice could misprice it.
 */
final class ImportCollector {

    private final Map<List<String>, List<CatalogueEntry>> byModel = new LinkedHashMap<>();
    private final Map<List<String>, String> origin = new HashMap<>();
    private final Map<List<String>, Boolean> conflicting = new HashMap<>();
    private final List<String> skipped = new ArrayList<>();

    /** Adds the versions of one model, read from {@code where} (a model id or key, for messages). */
    void add(String provider, String model, String where, List<CatalogueEntry> versions) {
        List<String> key = List.of(provider, model);
        if (conflicting.containsKey(key)) {
            skipped.add(where + ": " + provider + "/" + model + " is defined more than once with different prices");
            return;
        }
        List<CatalogueEntry> existing = byModel.get(key);
        if (existing == null) {
            byModel.put(key, List.copyOf(versions));
            origin.put(key, where);
            return;
        }
        if (samePrices(existing, versions)) {
            return;
        }
        byModel.remove(key);
        conflicting.put(key, Boolean.TRUE);
        skipped.add(origin.get(key) + ": " + provider + "/" + model + " is defined more than once with different prices");
        skipped.add(where + ": " + provider + "/" + model + " is defined more than once with different prices");
    }

    void skip(String where, String reason) {
        skipped.add(where + ": " + reason);
    }

    ImportResult result() {
        List<CatalogueEntry> entries = new ArrayList<>();
        byModel.values().forEach(entries::addAll);
        return new ImportResult(entries, skipped);
    }

    private static boolean samePrices(List<CatalogueEntry> a, List<CatalogueEntry> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).effectiveFrom().equals(b.get(i).effectiveFrom())
                    || !sameSheet(a.get(i).prices(), b.get(i).prices())) {
                return false;
            }
        }
        return true;
    }

    /** Equal prices by value ({@code 2.5} and {@code 2.50} are the same price). */
    private static boolean sameSheet(PriceSheet a, PriceSheet b) {
        for (Unit unit : Unit.values()) {
            if (!samePrice(unit.of(a), unit.of(b))) {
                return false;
            }
        }
        return true;
    }

    private static boolean samePrice(UnitPrice a, UnitPrice b) {
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
