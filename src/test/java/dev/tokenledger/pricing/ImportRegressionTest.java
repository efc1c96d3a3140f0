package dev.tokenledger.pricing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue #16 classes F and G at the importer, written against the importer's oldest API ({@code parse} and
 * {@link ImportResult#entries()} / {@link ImportResult#skipped()} only), so that the same file runs on the code the issue
 * was filed against (docs/money-suite.md). F: the genai-prices data (the snapshot the gateway bundles) imports with no
 * model skipped. G: the npm package's dated prices ({@code "type":"start_date"}) are read, not refused.
 */
class ImportRegressionTest {

    private static final String SOURCE = "genai-prices@test";

    @Test
    void classFTheGenaiPricesDataImportsWithNoModelSkipped() throws IOException {
        try (InputStream snapshot = ImportRegressionTest.class.getResourceAsStream("/prices/genai-prices.json")) {
            ImportResult imported = GenaiPricesImporter.parse(snapshot, SOURCE);

            assertEquals(List.of(), imported.skipped(), () -> imported.skipped().size() + " models skipped");
            assertEquals(1_694, imported.entries().stream().map(e -> e.provider() + "/" + e.model()).distinct()
                    .count(), "models imported");
        }
    }

    @Test
    void classGTheNpmPackagesDatedPricesAreKept() {
        ImportResult imported = GenaiPricesImporter.parse(new ByteArrayInputStream("""
                [{"id": "anthropic", "models": [{"id": "claude-opus-4-6", "prices": [
                   {"prices": {"input_mtok": 5, "output_mtok": 25}},
                   {"constraint": {"start_date": "2026-03-13", "type": "start_date"},
                    "prices": {"input_mtok": 4, "output_mtok": 20}}]}]}]
                """.getBytes(StandardCharsets.UTF_8)), SOURCE);

        assertEquals(List.of(), imported.skipped());
        assertEquals(List.of(Instant.EPOCH, Instant.parse("2026-03-13T00:00:00Z")),
                imported.entries().stream().map(CatalogueEntry::effectiveFrom).toList());
        assertEquals(0, new java.math.BigDecimal("4").compareTo(imported.entries().get(1).prices().input().base()));
    }
}
