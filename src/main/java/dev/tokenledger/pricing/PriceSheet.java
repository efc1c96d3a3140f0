package dev.tokenledger.pricing;

import java.util.Objects;

/**
 * The priced units of one model; a null unit is not priced separately (billed at its parent unit's rate).
 * <p>
 * Units nest: {@code cacheRead} and {@code cacheWrite} are parts of the input, {@code cacheWrite1h} is the part of the
 * cache writes made with a one-hour lifetime, {@code reasoning} is part of the output. {@code input} and {@code output}
 * are required.
 */
public record PriceSheet(UnitPrice input, UnitPrice cacheRead, UnitPrice cacheWrite, UnitPrice cacheWrite1h,
        UnitPrice output, UnitPrice reasoning) {

    public PriceSheet {
        Objects.requireNonNull(input, "input price is required");
        Objects.requireNonNull(output, "output price is required");
    }
}
