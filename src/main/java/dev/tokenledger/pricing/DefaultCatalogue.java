package dev.tokenledger.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The packaged default catalogue: the bundled genai-prices snapshot ({@code prices/genai-prices.json}, its source and
 * date in {@code prices/genai-prices.properties}), then the gateway's own entries ({@code prices/default-catalogue.json}:
 * the free local servers and the Copilot subscription). {@link PriceBook} seeds an empty catalogue with it.
 */
public final class DefaultCatalogue {

    /** The entries, the snapshot's source (null without a snapshot) and what the snapshot import skipped. */
    public record Seed(List<CatalogueEntry> entries, String source, List<String> skipped) {
    }

    private DefaultCatalogue() {
    }

    /** The catalogue packaged with the gateway. */
    public static Seed load() {
        try (InputStream props = resource("/prices/genai-prices.properties");
                InputStream snapshot = resource("/prices/genai-prices.json");
                InputStream own = resource("/prices/default-catalogue.json")) {
            return read(props, snapshot, own);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        return DefaultCatalogue.class.getResourceAsStream(name);
    }

    /**
     * A default catalogue from its three files, any of them absent (null): the snapshot is read only with its
     * properties, whose {@code source} and {@code published} name it; the gateway's own entries follow it.
     */
    static Seed read(InputStream props, InputStream snapshot, InputStream own) throws IOException {
        List<CatalogueEntry> entries = new ArrayList<>();
        List<String> skipped = List.of();
        String source = null;
        if (props != null && snapshot != null) {
            Properties p = new Properties();
            p.load(props);
            source = p.getProperty("source") + " (published " + p.getProperty("published") + ")";
            ImportResult imported = GenaiPricesImporter.parse(snapshot, source);
            entries.addAll(imported.entries());
            skipped = imported.skipped();
        }
        if (own != null) {
            entries.addAll(CatalogueFormat.read(own));
        }
        return new Seed(List.copyOf(entries), source, skipped);
    }
}
