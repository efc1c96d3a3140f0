package dev.tokenledger.pricing;

import java.time.Instant;

/** One stored version of a model's prices, with its audit trail. */
public record PriceVersion(long id, String provider, String model, Instant effectiveFrom, PriceSheet prices, String source,
        String reason, String createdBy, Instant createdAt) {
}
