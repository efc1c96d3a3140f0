package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Computes the exact cost of one request from its price sheet and normalised token counts.
 * <p>
 * Each token is billed once, in the most specific unit the sheet prices:
 * <ul>
 * <li>input leaf = inputTotal - cacheRead (when cache reads are priced) - cacheWrite (when cache writes are priced; when
 * only one-hour writes are priced, - cacheWrite1h);</li>
 * <li>cache-write leaf = cacheWrite - cacheWrite1h when one-hour writes are priced;</li>
 * <li>output leaf = output - reasoning only when reasoning is priced.</li>
 * </ul>
 * An unpriced part stays in its parent and is billed at the parent's rate. The tier is chosen once from inputTotal and
 * applies to every unit (cliff pricing). Each part is {@code leaf x price / 1,000,000}, exact; the total is rounded
 * once, half-up, to micro-USD.
 */
public final class CostCalculator {

    static final String INPUT = "input";
    static final String CACHE_READ = "cache_read";
    static final String CACHE_WRITE = "cache_write";
    static final String CACHE_WRITE_1H = "cache_write_1h";
    static final String OUTPUT = "output";
    static final String REASONING = "reasoning";

    private CostCalculator() {
    }

    public static Cost cost(PriceSheet prices, TokenCounts tokens) {
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(tokens, "tokens");

        boolean readPriced = prices.cacheRead() != null;
        boolean writePriced = prices.cacheWrite() != null;
        boolean write1hPriced = prices.cacheWrite1h() != null;
        boolean reasoningPriced = prices.reasoning() != null;

        long inputLeaf = tokens.inputTotal();
        if (readPriced) {
            inputLeaf -= tokens.cacheRead();
        }
        if (writePriced) {
            inputLeaf -= tokens.cacheWrite();
        } else if (write1hPriced) {
            inputLeaf -= tokens.cacheWrite1h();
        }
        long cacheWriteLeaf = tokens.cacheWrite() - (write1hPriced ? tokens.cacheWrite1h() : 0);
        long outputLeaf = tokens.output() - (reasoningPriced ? tokens.reasoning() : 0);

        long tierBasis = tokens.inputTotal();
        Map<String, BigDecimal> parts = new LinkedHashMap<>();
        parts.put(INPUT, part(inputLeaf, prices.input(), tierBasis));
        if (readPriced) {
            parts.put(CACHE_READ, part(tokens.cacheRead(), prices.cacheRead(), tierBasis));
        }
        if (writePriced) {
            parts.put(CACHE_WRITE, part(cacheWriteLeaf, prices.cacheWrite(), tierBasis));
        }
        if (write1hPriced) {
            parts.put(CACHE_WRITE_1H, part(tokens.cacheWrite1h(), prices.cacheWrite1h(), tierBasis));
        }
        parts.put(OUTPUT, part(outputLeaf, prices.output(), tierBasis));
        if (reasoningPriced) {
            parts.put(REASONING, part(tokens.reasoning(), prices.reasoning(), tierBasis));
        }

        BigDecimal exact = BigDecimal.ZERO;
        for (BigDecimal value : parts.values()) {
            exact = exact.add(value);
        }
        long micros = exact.setScale(6, RoundingMode.HALF_UP).unscaledValue().longValueExact();
        return new Cost(exact, micros, parts);
    }

    /** leaf x price-per-million / 1,000,000, exact. */
    private static BigDecimal part(long leaf, UnitPrice price, long tierBasis) {
        if (leaf < 0) {
            // unreachable for validated TokenCounts; kept so a future change cannot price a negative leaf silently
            throw new IllegalArgumentException("negative token leaf " + leaf);
        }
        return BigDecimal.valueOf(leaf).multiply(price.at(tierBasis)).movePointLeft(6);
    }
}
