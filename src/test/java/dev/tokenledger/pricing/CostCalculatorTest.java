package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CostCalculatorTest {

    /** claude-sonnet-4-5 as stated in the money rules, with its cliff tier above 200,000 input tokens. */
    static final PriceSheet SONNET_45 = new PriceSheet(
            tiered("3", "6"), tiered("0.30", "0.60"), tiered("3.75", "7.50"), tiered("6", "12"),
            tiered("15", "22.50"), null);

    /** gpt-4o as stated in the money rules: no cache-write or reasoning price. */
    static final PriceSheet GPT_4O = new PriceSheet(flat("2.50"), flat("1.25"), null, null, flat("10"), null);

    @Test
    void exampleA_anthropicCacheReadsAndBothWriteLifetimes() {
        // input_tokens=1000, cache_read=20000, cache_creation=3000 of which 1h=1000, output=500
        Cost cost = CostCalculator.cost(SONNET_45, new TokenCounts(24_000, 20_000, 3_000, 1_000, 500, 0));

        assertEquals(30_000, cost.micros());
        assertDecimal("0.0300", cost.exactUsd());
        assertEquals(List.of("input", "cache_read", "cache_write", "cache_write_1h", "output"),
                List.copyOf(cost.breakdown().keySet()));
        assertDecimal("0.003", cost.breakdown().get("input"));
        assertDecimal("0.006", cost.breakdown().get("cache_read"));
        assertDecimal("0.0075", cost.breakdown().get("cache_write"));
        assertDecimal("0.006", cost.breakdown().get("cache_write_1h"));
        assertDecimal("0.0075", cost.breakdown().get("output"));
    }

    @Test
    void exampleB_aboveTheThresholdTheTierAppliesToEverything() {
        Cost cost = CostCalculator.cost(SONNET_45, TokenCounts.of(250_000, 1_000));

        assertEquals(1_522_500, cost.micros());
        assertDecimal("1.5225", cost.exactUsd());
        assertDecimal("1.5", cost.breakdown().get("input"));
        assertDecimal("0.0225", cost.breakdown().get("output"));
        assertDecimal("0", cost.breakdown().get("cache_read"));
    }

    @Test
    void exampleC_exactlyAtTheThresholdBaseRatesApply() {
        Cost cost = CostCalculator.cost(SONNET_45, TokenCounts.of(200_000, 1_000));

        assertEquals(615_000, cost.micros());
        assertDecimal("0.615", cost.exactUsd());
    }

    @Test
    void exampleD_openAiReasoningIsBilledAsOutputWhenNotPricedSeparately() {
        // prompt_tokens=10000, cached_tokens=8000, completion_tokens=2000, reasoning_tokens=1500
        Cost cost = CostCalculator.cost(GPT_4O, new TokenCounts(10_000, 8_000, 0, 0, 2_000, 1_500));

        assertEquals(35_000, cost.micros());
        assertDecimal("0.035", cost.exactUsd());
        assertEquals(List.of("input", "cache_read", "output"), List.copyOf(cost.breakdown().keySet()));
        assertDecimal("0.005", cost.breakdown().get("input"));
        assertDecimal("0.010", cost.breakdown().get("cache_read"));
        assertDecimal("0.020", cost.breakdown().get("output"));
    }

    @Test
    void pricedReasoningIsTakenOutOfTheOutputLeaf() {
        PriceSheet sheet = new PriceSheet(flat("1"), null, null, null, flat("4"), flat("8"));

        Cost cost = CostCalculator.cost(sheet, new TokenCounts(1_000, 0, 0, 0, 3_000, 2_000));

        // input 1000 x $1 + output 1000 x $4 + reasoning 2000 x $8
        assertDecimal("0.001", cost.breakdown().get("input"));
        assertDecimal("0.004", cost.breakdown().get("output"));
        assertDecimal("0.016", cost.breakdown().get("reasoning"));
        assertEquals(21_000, cost.micros());
        assertEquals(List.of("input", "output", "reasoning"), List.copyOf(cost.breakdown().keySet()));
    }

    @Test
    void unpricedCacheUnitsAreBilledAtTheInputRate() {
        PriceSheet sheet = new PriceSheet(flat("2"), null, null, null, flat("8"), null);

        Cost cost = CostCalculator.cost(sheet, new TokenCounts(10_000, 4_000, 3_000, 1_000, 100, 0));

        // all 10,000 input tokens at $2, 100 output at $8
        assertDecimal("0.02", cost.breakdown().get("input"));
        assertDecimal("0.0008", cost.breakdown().get("output"));
        assertEquals(20_800, cost.micros());
        assertEquals(List.of("input", "output"), List.copyOf(cost.breakdown().keySet()));
    }

    @Test
    void unpricedCacheWritesStayInTheInputLeafWhileReadsAreDiscounted() {
        PriceSheet sheet = new PriceSheet(flat("3"), flat("0.30"), null, null, flat("15"), null);

        Cost cost = CostCalculator.cost(sheet, new TokenCounts(10_000, 5_000, 2_000, 0, 0, 0));

        // 5,000 uncached + 2,000 written at $3; 5,000 read at $0.30
        assertDecimal("0.015", cost.breakdown().get("input"));
        assertDecimal("0.0015", cost.breakdown().get("cache_read"));
        assertEquals(16_500, cost.micros());
    }

    @Test
    void oneHourWritesAreSplitFromTheOtherCacheWrites() {
        PriceSheet sheet = new PriceSheet(flat("3"), null, flat("3.75"), flat("6"), flat("15"), null);

        Cost cost = CostCalculator.cost(sheet, new TokenCounts(10_000, 0, 4_000, 1_500, 0, 0));

        assertDecimal("0.018", cost.breakdown().get("input")); // 6,000 x $3
        assertDecimal("0.009375", cost.breakdown().get("cache_write")); // 2,500 x $3.75
        assertDecimal("0.009", cost.breakdown().get("cache_write_1h")); // 1,500 x $6
        assertEquals(36_375, cost.micros());
    }

    @Test
    void withOnlyAOneHourWritePriceOtherWritesStayInTheInputLeaf() {
        PriceSheet sheet = new PriceSheet(flat("3"), null, null, flat("6"), flat("15"), null);

        Cost cost = CostCalculator.cost(sheet, new TokenCounts(10_000, 0, 4_000, 1_500, 0, 0));

        assertDecimal("0.0255", cost.breakdown().get("input")); // 8,500 x $3
        assertDecimal("0.009", cost.breakdown().get("cache_write_1h")); // 1,500 x $6
        assertEquals(34_500, cost.micros());
    }

    @Test
    void tierIsNotAppliedAtItsStart() {
        Cost cost = CostCalculator.cost(SONNET_45, new TokenCounts(200_000, 100_000, 0, 0, 1_000, 0));

        // 100,000 x $3 + 100,000 x $0.30 + 1,000 x $15
        assertDecimal("0.3", cost.breakdown().get("input"));
        assertDecimal("0.03", cost.breakdown().get("cache_read"));
        assertDecimal("0.015", cost.breakdown().get("output"));
        assertEquals(345_000, cost.micros());
    }

    @Test
    void tierAppliesFromStartPlusOneToEveryUnitIncludingOutput() {
        Cost cost = CostCalculator.cost(SONNET_45, new TokenCounts(200_001, 100_000, 0, 0, 1_000, 0));

        // 100,001 x $6 + 100,000 x $0.60 + 1,000 x $22.50: the cliff reprices every token, not only those above
        assertDecimal("0.600006", cost.breakdown().get("input"));
        assertDecimal("0.06", cost.breakdown().get("cache_read"));
        assertDecimal("0.0225", cost.breakdown().get("output"));
        assertEquals(682_506, cost.micros());
    }

    @Test
    void unitPriceChoosesTheHighestTierStrictlyBelowTheInput() {
        UnitPrice price = new UnitPrice(new BigDecimal("1"), List.of(new TierStep(272_000, new BigDecimal("3")),
                new TierStep(128_000, new BigDecimal("2"))));

        assertEquals(List.of(128_000L, 272_000L), price.tiers().stream().map(TierStep::start).toList());
        assertDecimal("1", price.at(0));
        assertDecimal("1", price.at(128_000));
        assertDecimal("2", price.at(128_001));
        assertDecimal("2", price.at(272_000));
        assertDecimal("3", price.at(272_001));
        assertThrows(IllegalArgumentException.class, () -> new UnitPrice(BigDecimal.ONE,
                List.of(new TierStep(10, BigDecimal.ONE), new TierStep(10, BigDecimal.TEN))));
        assertThrows(IllegalArgumentException.class, () -> UnitPrice.flat(new BigDecimal("-1")));
    }

    @Test
    void zeroTokensCostNothing() {
        Cost cost = CostCalculator.cost(SONNET_45, new TokenCounts(0, 0, 0, 0, 0, 0));

        assertEquals(0, cost.micros());
        assertDecimal("0", cost.exactUsd());
        assertEquals(5, cost.breakdown().size());
        cost.breakdown().values().forEach(value -> assertDecimal("0", value));
    }

    @Test
    void halfAMicroDollarRoundsUp() {
        PriceSheet sheet = new PriceSheet(flat("0.50"), null, null, null, flat("0.50"), null);

        Cost one = CostCalculator.cost(sheet, TokenCounts.of(1, 0));
        assertDecimal("0.0000005", one.exactUsd());
        assertEquals(1, one.micros());

        // 2.5 micro-USD: half-up gives 3 where half-even would give 2
        assertEquals(3, CostCalculator.cost(sheet, TokenCounts.of(5, 0)).micros());
    }

    @Test
    void belowHalfAMicroDollarRoundsDown() {
        PriceSheet sheet = new PriceSheet(flat("0.49"), null, null, null, flat("0.49"), null);

        Cost cost = CostCalculator.cost(sheet, TokenCounts.of(1, 0));

        assertDecimal("0.00000049", cost.exactUsd());
        assertEquals(0, cost.micros());
    }

    @Test
    void theTotalIsRoundedOnceNotPartByPart() {
        PriceSheet sheet = new PriceSheet(flat("0.50"), null, null, null, flat("0.50"), null);

        Cost cost = CostCalculator.cost(sheet, TokenCounts.of(1, 1));

        // two parts of 0.5 micro-USD each: 1 micro-USD in total, not 1 + 1
        assertEquals(1, cost.micros());
        assertDecimal("0.000001", cost.exactUsd());
    }

    @Test
    void exactValuesKeepEveryDigit() {
        PriceSheet sheet = new PriceSheet(flat("0.00875"), null, null, null, flat("0.14"), null);

        Cost cost = CostCalculator.cost(sheet, TokenCounts.of(3, 0));

        assertEquals(new BigDecimal("0.00000002625"), cost.exactUsd().stripTrailingZeros());
        assertEquals(0, cost.micros());
    }

    @Test
    void invalidCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(-1, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, -1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 0, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 1, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 0, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 0, 0, 5, -1));
        // cacheRead + cacheWrite above inputTotal
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 6, 5, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 11, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TokenCounts(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, 0, 0, 0));
        // one-hour writes above all writes, reasoning above output
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 3, 4, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 2, 3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenCounts(10, 0, 0, 0, 5, 6));
        // the limits themselves are valid
        new TokenCounts(10, 6, 4, 4, 5, 5);
    }

    @Test
    void aSheetNeedsInputAndOutputPrices() {
        assertThrows(NullPointerException.class, () -> new PriceSheet(null, null, null, null, flat("1"), null));
        assertThrows(NullPointerException.class, () -> new PriceSheet(flat("1"), null, null, null, null, null));
    }

    @Test
    void theBreakdownCannotBeModified() {
        Cost cost = CostCalculator.cost(GPT_4O, TokenCounts.of(1, 1));

        assertThrows(UnsupportedOperationException.class, () -> cost.breakdown().put("input", BigDecimal.ONE));
    }

    static UnitPrice flat(String base) {
        return UnitPrice.flat(new BigDecimal(base));
    }

    static UnitPrice tiered(String base, String above200k) {
        return new UnitPrice(new BigDecimal(base), List.of(new TierStep(200_000, new BigDecimal(above200k))));
    }

    /** Equal by value, whatever the scale. */
    static void assertDecimal(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual),
                () -> "expected " + expected + " but was " + (actual == null ? null : actual.toPlainString()));
    }
}
