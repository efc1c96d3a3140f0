package dev.tokenledger.pricing;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The priced units of one model, by {@link Unit}; a unit without a price is not priced separately: its tokens are
 * billed at the rate of its nearest priced ancestor ({@code cacheWrite1h} at {@code cacheWrite}'s, {@code reasoning} at
 * {@code output}'s, {@code inputAudio} at {@code input}'s). {@code input} and {@code output} are required.
 * <p>
 * The map is unmodifiable and iterates in {@link Unit} order.
 */
public record PriceSheet(Map<Unit, UnitPrice> units) {

    public PriceSheet {
        Objects.requireNonNull(units, "units");
        EnumMap<Unit, UnitPrice> copy = new EnumMap<>(Unit.class);
        units.forEach((unit, price) -> {
            Objects.requireNonNull(unit, "unit");
            if (price != null) {
                copy.put(unit, price);
            }
        });
        Objects.requireNonNull(copy.get(Unit.INPUT), "input price is required");
        Objects.requireNonNull(copy.get(Unit.OUTPUT), "output price is required");
        units = Collections.unmodifiableMap(copy);
    }

    /** The six token units every sheet has always had; a null unit is not priced separately. */
    public PriceSheet(UnitPrice input, UnitPrice cacheRead, UnitPrice cacheWrite, UnitPrice cacheWrite1h,
            UnitPrice output, UnitPrice reasoning) {
        this(core(input, cacheRead, cacheWrite, cacheWrite1h, output, reasoning));
    }

    private static Map<Unit, UnitPrice> core(UnitPrice input, UnitPrice cacheRead, UnitPrice cacheWrite,
            UnitPrice cacheWrite1h, UnitPrice output, UnitPrice reasoning) {
        EnumMap<Unit, UnitPrice> map = new EnumMap<>(Unit.class);
        map.put(Unit.INPUT, input);
        map.put(Unit.CACHE_READ, cacheRead);
        map.put(Unit.CACHE_WRITE, cacheWrite);
        map.put(Unit.CACHE_WRITE_1H, cacheWrite1h);
        map.put(Unit.OUTPUT, output);
        map.put(Unit.REASONING, reasoning);
        return map;
    }

    /** A unit's price, or null when the sheet does not price it separately. */
    public UnitPrice price(Unit unit) {
        return units.get(unit);
    }

    /** This sheet with one unit's price set (or removed, with null). */
    public PriceSheet with(Unit unit, UnitPrice price) {
        EnumMap<Unit, UnitPrice> map = new EnumMap<>(Unit.class);
        map.putAll(units);
        map.put(unit, price); // a null price is dropped by the constructor
        return new PriceSheet(map);
    }

    public UnitPrice input() {
        return units.get(Unit.INPUT);
    }

    public UnitPrice cacheRead() {
        return units.get(Unit.CACHE_READ);
    }

    public UnitPrice cacheWrite() {
        return units.get(Unit.CACHE_WRITE);
    }

    public UnitPrice cacheWrite1h() {
        return units.get(Unit.CACHE_WRITE_1H);
    }

    public UnitPrice output() {
        return units.get(Unit.OUTPUT);
    }

    public UnitPrice reasoning() {
        return units.get(Unit.REASONING);
    }
}
