package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes the exact cost of one request from its price sheet and counts.
 * <p>
 * Each token (or counted unit) is billed once, in the most specific unit the sheet prices: a priced unit's leaf is its
 * count minus the leaves of its priced descendants ({@link Unit#isPartOf}), most specific first. For example the input
 * leaf is inputTotal - cacheRead (when cache reads are priced) - cacheWrite (when cache writes are priced); the
 * cache-write leaf is cacheWrite - cacheWrite1h when one-hour writes are priced; the output leaf is output - reasoning
 * only when reasoning is priced. An unpriced part stays in its nearest priced ancestor and is billed at that rate. A
 * counted unit the sheet does not price and that has no priced ancestor (web searches) cannot be billed: the usage is
 * rejected ({@link IllegalArgumentException}), as is usage that makes a leaf negative, and usage without credits
 * priced by a sheet that prices credits ({@link Unit#requiredWhenPriced}).
 * <p>
 * The tier is chosen once from inputTotal and applies to every unit (cliff pricing). Each part is
 * {@code leaf x price / per} (per = 1,000,000 for tokens, 1,000 for counted units: exact; 3,600 for seconds of audio
 * priced per hour: to 12 decimal places; 1,000,000 for millionths of a credit priced per credit); the total is rounded once, half-up, to micro-USD.
 */
public final class CostCalculator {

    static final String INPUT = Unit.INPUT.breakdownKey;
    static final String CACHE_READ = Unit.CACHE_READ.breakdownKey;
    static final String CACHE_WRITE = Unit.CACHE_WRITE.breakdownKey;
    static final String CACHE_WRITE_1H = Unit.CACHE_WRITE_1H.breakdownKey;
    static final String OUTPUT = Unit.OUTPUT.breakdownKey;
    static final String REASONING = Unit.REASONING.breakdownKey;

    /** Priced units, most specific first, so that a unit's descendants have their leaves before it. */
    private static final List<Unit> BY_DEPTH = java.util.Arrays.stream(Unit.values())
            .sorted((a, b) -> Integer.compare(b.depth(), a.depth())).toList();

    private CostCalculator() {
    }

    public static Cost cost(PriceSheet prices, TokenCounts tokens) {
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(tokens, "tokens");

        Map<Unit, Long> leaves = leaves(prices, tokens);
        long tierBasis = tokens.inputTotal();
        Map<String, BigDecimal> parts = new LinkedHashMap<>();
        BigDecimal exact = BigDecimal.ZERO;
        for (Unit unit : leaves.keySet()) { // by key: an EnumMap makes an entry object per element it iterates
            BigDecimal part = unit.family
                    .perUnit(BigDecimal.valueOf(leaves.get(unit)).multiply(prices.price(unit).at(tierBasis)));
            parts.put(unit.breakdownKey, part);
            exact = exact.add(part);
        }
        long micros = exact.setScale(6, RoundingMode.HALF_UP).unscaledValue().longValueExact();
        return new Cost(exact, micros, parts);
    }

    /** The leaf of every priced unit, in {@link Unit} order. */
    static Map<Unit, Long> leaves(PriceSheet prices, TokenCounts tokens) {
        Map<Unit, Long> leaves = new EnumMap<>(Unit.class);
        for (Unit unit : BY_DEPTH) {
            if (prices.price(unit) == null) {
                continue;
            }
            long leaf = tokens.count(unit);
            for (Unit below : leaves.keySet()) {
                if (below.isPartOf(unit)) {
                    leaf -= leaves.get(below);
                }
            }
            if (leaf < 0) {
                throw new IllegalArgumentException("usage is inconsistent: the " + unit.breakdownKey
                        + " leaf would be " + leaf);
            }
            leaves.put(unit, leaf);
        }
        for (Unit unit : Unit.ALL) {
            if (tokens.count(unit) > 0 && prices.price(unit) == null && !unit.freeWhenUnpriced()
                    && !hasPricedAncestor(prices, unit)) {
                throw new IllegalArgumentException(
                        "the price sheet has no price for " + unit.breakdownKey + ", which the usage counts");
            }
            if (tokens.count(unit) == 0 && prices.price(unit) != null && unit.requiredWhenPriced()) {
                throw new IllegalArgumentException(
                        "the price sheet prices " + unit.breakdownKey + ", which the usage does not report");
            }
        }
        return leaves;
    }

    private static boolean hasPricedAncestor(PriceSheet prices, Unit unit) {
        for (Unit other : prices.units().keySet()) {
            if (unit.isPartOf(other)) {
                return true;
            }
        }
        return false;
    }
}
