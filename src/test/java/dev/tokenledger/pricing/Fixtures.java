package dev.tokenledger.pricing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.tokenledger.pricing.CostCalculatorTest.tiered;

/** Test files of {@code src/test/resources/pricing/} and lookups in imported entries. */
final class Fixtures {

    /**
     * claude-sonnet-4-5 as both importers read it from their test files: every unit dearer above 200,000 input tokens,
     * prices at the scale the sources write them, no reasoning price.
     */
    static final PriceSheet SONNET_45_IMPORTED = new PriceSheet(tiered("3", "6"), tiered("0.3", "0.6"),
            tiered("3.75", "7.5"), tiered("6", "12"), tiered("15", "22.5"), null);

    private Fixtures() {
    }

    static InputStream open(String name) {
        InputStream in = Fixtures.class.getResourceAsStream("/pricing/" + name);
        if (in == null) {
            throw new IllegalArgumentException("no test file " + name);
        }
        return in;
    }

    static InputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON text as a tree. */
    static com.fasterxml.jackson.databind.JsonNode readTree(String text) {
        return PricingJson.read(json(text));
    }

    /** The only standard-tier entry of a provider and model. */
    static CatalogueEntry only(List<CatalogueEntry> entries, String provider, String model) {
        List<CatalogueEntry> found = all(entries, provider, model);
        if (found.size() != 1) {
            throw new AssertionError("expected one entry for " + provider + "/" + model + " but found " + found);
        }
        return found.get(0);
    }

    /** Every standard-tier entry of a provider and model, in file order. */
    static List<CatalogueEntry> all(List<CatalogueEntry> entries, String provider, String model) {
        return tier(entries, provider, model, ServiceTier.STANDARD);
    }

    /** Every entry of a provider, model and service tier, in file order. */
    static List<CatalogueEntry> tier(List<CatalogueEntry> entries, String provider, String model, String tier) {
        return entries.stream().filter(e -> e.provider().equals(provider) && e.model().equals(model)
                && e.serviceTier().equals(tier)).toList();
    }

    /** The skipped item about one model, whose text starts with {@code where + ": "}. */
    static String skipped(ImportResult result, String where) {
        List<String> found = result.skipped().stream().filter(s -> s.startsWith(where + ": ")).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one skipped item for " + where + " but found " + found + " in "
                    + result.skipped());
        }
        return found.get(0);
    }
}
