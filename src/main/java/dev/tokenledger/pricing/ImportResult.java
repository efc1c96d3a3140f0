package dev.tokenledger.pricing;

import java.util.List;

/**
 * Result of importing a file: entries and models skipped (with reason).
 * <p>
 * Each skipped item reads {@code "<model>: <reason>"}. A skipped model has no entry at all: it is left unpriced rather
 * than priced incompletely. {@code notes} are caveats about models that were imported (e.g. match clauses not kept).
 */
public record ImportResult(List<CatalogueEntry> entries, List<String> skipped, List<String> notes) {

    public ImportResult {
        entries = List.copyOf(entries);
        skipped = List.copyOf(skipped);
        notes = List.copyOf(notes);
    }

    public ImportResult(List<CatalogueEntry> entries, List<String> skipped) {
        this(entries, skipped, List.of());
    }
}
