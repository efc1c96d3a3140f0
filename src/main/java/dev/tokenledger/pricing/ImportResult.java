package dev.tokenledger.pricing;

import java.util.List;

/**
 * Result of importing a file: entries and models skipped (with reason).
 * <p>
 * Each skipped item reads {@code "<model>: <reason>"}. A skipped model has no entry at all: it is left unpriced rather
 * than priced incompletely.
 */
public record ImportResult(List<CatalogueEntry> entries, List<String> skipped) {

    public ImportResult {
        entries = List.copyOf(entries);
        skipped = List.copyOf(skipped);
    }
}
