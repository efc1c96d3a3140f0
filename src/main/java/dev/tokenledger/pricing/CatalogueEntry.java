package dev.tokenledger.pricing;

import java.time.Instant;
import java.util.Objects;

/**
 * One catalogue entry: a price sheet for (provider, model) valid from effectiveFrom (inclusive).
 * <p>
 * An entry stays valid until the next entry of the same provider and model takes effect. {@code source} names where the
 * prices come from (a pricing page and the date it was checked, or an import reference such as
 * {@code genai-prices@<sha>}); {@code note} is free text. Both may be null.
 */
public record CatalogueEntry(String provider, String model, Instant effectiveFrom, PriceSheet prices, String source,
        String note) {

    public CatalogueEntry {
        requireText("provider", provider);
        requireText("model", model);
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        Objects.requireNonNull(prices, "prices");
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
