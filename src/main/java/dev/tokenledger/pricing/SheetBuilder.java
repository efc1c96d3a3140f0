package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Collects base prices and tier steps unit by unit, then builds a {@link PriceSheet}. */
final class SheetBuilder {

    private final Map<Unit, BigDecimal> bases = new EnumMap<>(Unit.class);
    private final Map<Unit, List<TierStep>> tiers = new EnumMap<>(Unit.class);

    void base(Unit unit, BigDecimal price) {
        if (bases.putIfAbsent(unit, price) != null) {
            throw new IllegalArgumentException("two base prices for " + unit.catalogueKey);
        }
    }

    void tier(Unit unit, long start, BigDecimal price) {
        tiers.computeIfAbsent(unit, u -> new ArrayList<>()).add(new TierStep(start, price));
    }

    /**
     * The sheet; {@link IllegalArgumentException} when input or output is missing, a unit has tiers but no base, or two
     * tiers of a unit share a start.
     */
    PriceSheet build() {
        for (Unit unit : tiers.keySet()) {
            if (!bases.containsKey(unit)) {
                throw new IllegalArgumentException("tiers without a base price for " + unit.catalogueKey);
            }
        }
        if (!bases.containsKey(Unit.INPUT)) {
            throw new IllegalArgumentException("no input price");
        }
        if (!bases.containsKey(Unit.OUTPUT)) {
            throw new IllegalArgumentException("no output price");
        }
        Map<Unit, UnitPrice> units = new EnumMap<>(Unit.class);
        bases.forEach((unit, base) -> units.put(unit, new UnitPrice(base, tiers.getOrDefault(unit, List.of()))));
        return new PriceSheet(units);
    }
}
