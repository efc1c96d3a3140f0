package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One cliff tier of a unit price: {@code price} (USD per million tokens) applies to every token of the unit when the
 * request's total input tokens are strictly greater than {@code start}.
 */
public record TierStep(long start, BigDecimal price) {

    public TierStep {
        if (start < 0) {
            throw new IllegalArgumentException("tier start must be >= 0, was " + start);
        }
        Objects.requireNonNull(price, "tier price");
        if (price.signum() < 0) {
            throw new IllegalArgumentException("tier price must be >= 0, was " + price.toPlainString());
        }
        price = UnitPrice.nonNegativeScale(price);
    }
}
