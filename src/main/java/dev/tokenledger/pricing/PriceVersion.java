package dev.tokenledger.pricing;

import java.time.Instant;

/**
 * One stored version of a model's prices, with its audit trail; {@code serviceTier}, {@code timeOfDay} and
 * {@code match} as in {@link CatalogueEntry}.
 */
public record PriceVersion(long id, String provider, String model, Instant effectiveFrom, PriceSheet prices, String source,
        String reason, String createdBy, Instant createdAt, String serviceTier, TimeOfDay timeOfDay, MatchRule match) {

    public PriceVersion {
        serviceTier = ServiceTier.require(serviceTier);
    }

    /** A standard-tier version for every time of day, matching its model id only. */
    public PriceVersion(long id, String provider, String model, Instant effectiveFrom, PriceSheet prices, String source,
            String reason, String createdBy, Instant createdAt) {
        this(id, provider, model, effectiveFrom, prices, source, reason, createdBy, createdAt, ServiceTier.STANDARD, null,
                null);
    }
}
