package dev.tokenledger.pricing;

import java.time.Instant;
import java.util.Objects;

/**
 * One catalogue entry: a price sheet for (provider, model, service tier) valid from effectiveFrom (inclusive).
 * <p>
 * An entry stays valid until the next entry of the same provider, model and tier takes effect. {@code serviceTier} is
 * {@link ServiceTier#STANDARD} unless the prices are those of another tier ({@code priority}, {@code flex},
 * {@code batch}). {@code timeOfDay}, when set, limits the entry to a daily UTC window (an off-peak price): within it
 * the entry wins over its sibling without a window of the same effective time. {@code match}, when set, names the
 * other model names the entry prices (genai-prices' match clauses); the model id itself always matches. {@code source}
 * names where the prices come from (a pricing page and the date it was checked, or an import reference such as
 * {@code genai-prices@<sha>}); {@code note} is free text. Both may be null.
 */
public record CatalogueEntry(String provider, String model, Instant effectiveFrom, PriceSheet prices, String source,
        String note, String serviceTier, TimeOfDay timeOfDay, MatchRule match) {

    public CatalogueEntry {
        requireText("provider", provider);
        requireText("model", model);
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        Objects.requireNonNull(prices, "prices");
        serviceTier = ServiceTier.require(serviceTier);
    }

    /** A standard-tier entry for every time of day, matching its model id only. */
    public CatalogueEntry(String provider, String model, Instant effectiveFrom, PriceSheet prices, String source,
            String note) {
        this(provider, model, effectiveFrom, prices, source, note, ServiceTier.STANDARD, null, null);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
