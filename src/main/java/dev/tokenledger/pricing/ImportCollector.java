package dev.tokenledger.pricing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Gathers the versions imported for each (provider, model). When a source defines the same model twice, identical
 * definitions are kept once; differing ones drop the model, since either choice could misprice it.
 */
final class ImportCollector {

    private final Map<List<String>, List<CatalogueEntry>> byModel = new LinkedHashMap<>();
    private final Map<List<String>, String> origin = new HashMap<>();
    private final Map<List<String>, Boolean> conflicting = new HashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** Adds the versions of one model, read from {@code where} (a model id or key, for messages). */
    void add(String provider, String model, String where, List<CatalogueEntry> versions) {
        add(provider, model, ServiceTier.STANDARD, where, versions);
    }

    /** Adds the versions of one model in one service tier (a model's tiers are defined apart). */
    void add(String provider, String model, String tier, String where, List<CatalogueEntry> versions) {
        List<String> key = List.of(provider, model, tier);
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

    /** Something imported with a caveat (the model is not skipped). */
    void note(String where, String text) {
        notes.add(where + ": " + text);
    }

    ImportResult result() {
        List<CatalogueEntry> entries = new ArrayList<>();
        byModel.values().forEach(entries::addAll);
        return new ImportResult(entries, skipped, notes);
    }

    private static boolean samePrices(List<CatalogueEntry> a, List<CatalogueEntry> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).effectiveFrom().equals(b.get(i).effectiveFrom())
                    || !Objects.equals(a.get(i).timeOfDay(), b.get(i).timeOfDay())
                    || !CatalogueDiff.samePrices(a.get(i).prices(), b.get(i).prices())) {
                return false;
            }
        }
        return true;
    }
}
