package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An exact cost: exact USD (BigDecimal, unrounded), micro-USD rounded once half-up, and the parts by unit (exact USD).
 * <p>
 * Breakdown keys, in this order when present: {@code input}, {@code cache_read}, {@code cache_write},
 * {@code cache_write_1h}, {@code output}, {@code reasoning}. A unit is present when the price sheet prices it;
 * {@code input} and {@code output} are always present. The map is unmodifiable and keeps that order.
 */
public record Cost(BigDecimal exactUsd, long micros, Map<String, BigDecimal> breakdown) {

    public Cost {
        Objects.requireNonNull(exactUsd, "exactUsd");
        breakdown = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(breakdown, "breakdown")));
    }
}
