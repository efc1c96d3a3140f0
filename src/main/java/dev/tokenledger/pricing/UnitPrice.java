package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A unit's price in USD per million tokens: a base and optional cliff tiers chosen by total input tokens.
 * <p>
 * The tiers are kept sorted by {@code start} ascending (the constructor sorts a copy); two tiers with the same start are
 * rejected. A tier applies to all tokens of the unit, not only to those above its start. A price given with a negative
 * scale (such as {@code 1E+1}) is kept at scale 0, so that equal prices written the same way compare equal.
 */
public record UnitPrice(BigDecimal base, List<TierStep> tiers) {

    public UnitPrice {
        Objects.requireNonNull(base, "base price");
        if (base.signum() < 0) {
            throw new IllegalArgumentException("base price must be >= 0, was " + base.toPlainString());
        }
        base = nonNegativeScale(base);
        List<TierStep> sorted = new ArrayList<>(tiers == null ? List.of() : tiers);
        for (TierStep step : sorted) {
            Objects.requireNonNull(step, "tier");
        }
        sorted.sort(Comparator.comparingLong(TierStep::start));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).start() == sorted.get(i - 1).start()) {
                throw new IllegalArgumentException("two tiers start at " + sorted.get(i).start());
            }
        }
        tiers = List.copyOf(sorted);
    }

    /** A price without tiers. */
    public static UnitPrice flat(BigDecimal base) {
        return new UnitPrice(base, List.of());
    }

    /** The price applying to a request whose total input is inputTotal: highest tier with inputTotal > start, else base. */
    public BigDecimal at(long inputTotal) {
        BigDecimal price = base;
        for (TierStep step : tiers) {
            if (inputTotal > step.start()) {
                price = step.price();
            } else {
                break;
            }
        }
        return price;
    }

    /** The same value with a scale of at least 0 ({@code 1E+1} becomes {@code 10}). */
    static BigDecimal nonNegativeScale(BigDecimal value) {
        return value.scale() < 0 ? value.setScale(0) : value;
    }
}
