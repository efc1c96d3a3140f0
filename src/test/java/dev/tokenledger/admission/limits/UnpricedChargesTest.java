package dev.tokenledger.admission.limits;

import java.math.BigDecimal;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.AdmissionConfig.Unpriced;
import dev.tokenledger.config.AdmissionConfig.UnpricedPolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #16 class E on the budget side, without Quarkus: what a hard and a soft budget charge for a request whose
 * price is unknown, by policy (refuse, fallback price, zero), and the ledger sum a budget is re-seeded from.
 */
class UnpricedChargesTest {

    private static Unpriced config(UnpricedPolicy hard, UnpricedPolicy soft, String input, String output) {
        return new Unpriced() {
            public UnpricedPolicy hard() {
                return hard;
            }

            public UnpricedPolicy soft() {
                return soft;
            }

            public Optional<BigDecimal> fallbackInputPerMtok() {
                return Optional.ofNullable(input).map(BigDecimal::new);
            }

            public Optional<BigDecimal> fallbackOutputPerMtok() {
                return Optional.ofNullable(output).map(BigDecimal::new);
            }
        };
    }

    @Test
    void byDefaultHardBudgetsRefuseAndSoftOnesChargeNothing() {
        UnpricedCharges charges = new UnpricedCharges(config(UnpricedPolicy.REFUSE, UnpricedPolicy.ZERO, null, null));

        assertEquals(UnpricedPolicy.REFUSE, charges.policy(true));
        assertEquals(UnpricedPolicy.ZERO, charges.policy(false));
        assertFalse(charges.fallback());
        assertEquals(0, charges.micros(new Usage(1000, 0, 0, 1000, 0, Usage.Source.PROVIDER)));
        assertEquals("coalesce(sum(cost_micros), 0)", charges.ledgerSum());
        assertEquals("coalesce(cost_micros, 0)", charges.rowCharge());
    }

    @Test
    void aFallbackPriceChargesUnpricedUsageToEveryBudget() {
        UnpricedCharges charges = new UnpricedCharges(config(UnpricedPolicy.REFUSE, UnpricedPolicy.FALLBACK, "2.5",
                "10"));

        assertEquals(UnpricedPolicy.FALLBACK, charges.policy(false));
        assertTrue(charges.fallback());
        // 1,000 x $2.50 + 300 x $10 per million = 5,500 micro-USD
        assertEquals(5_500, charges.micros(new Usage(1000, 0, 0, 300, 0, Usage.Source.PROVIDER)));
        assertEquals(3, charges.micros(1, 0) + charges.micros(0, 0), "2.5 micro-USD rounds half-up to 3");
        assertEquals(2, new UnpricedCharges(config(UnpricedPolicy.FALLBACK, UnpricedPolicy.ZERO, "2.4", "0"))
                .micros(1, 5), "2.4 rounds down; a zero output price charges nothing");
        assertEquals("coalesce(sum(coalesce(cost_micros, round(input_tokens * 2.5 + output_tokens * 10)::bigint)), 0)",
                charges.ledgerSum());
        assertEquals(UnpricedPolicy.FALLBACK,
                new UnpricedCharges(config(UnpricedPolicy.FALLBACK, UnpricedPolicy.ZERO, "1", "1")).policy(true));
    }

    @Test
    void aFallbackPolicyNeedsBothNonNegativePrices() {
        for (String[] prices : new String[][]{{null, "1"}, {"1", null}, {null, null}}) {
            assertThrows(IllegalArgumentException.class, () -> new UnpricedCharges(
                    config(UnpricedPolicy.FALLBACK, UnpricedPolicy.ZERO, prices[0], prices[1])));
            assertThrows(IllegalArgumentException.class, () -> new UnpricedCharges(
                    config(UnpricedPolicy.REFUSE, UnpricedPolicy.FALLBACK, prices[0], prices[1])));
        }
        assertThrows(IllegalArgumentException.class,
                () -> new UnpricedCharges(config(UnpricedPolicy.FALLBACK, UnpricedPolicy.ZERO, "-1", "1")));
        assertThrows(IllegalArgumentException.class,
                () -> new UnpricedCharges(config(UnpricedPolicy.FALLBACK, UnpricedPolicy.ZERO, "1", "-0.01")));
        // prices configured without a fallback policy are not used
        assertFalse(new UnpricedCharges(config(UnpricedPolicy.ZERO, UnpricedPolicy.ZERO, "1", "1")).fallback());
    }
}
