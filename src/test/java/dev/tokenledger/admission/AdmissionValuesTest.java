package dev.tokenledger.admission;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenledger.admission.limits.BudgetSpec;
import dev.tokenledger.admission.limits.Demand;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.admission.limits.LimitSpec;
import dev.tokenledger.admission.limits.Window;
import dev.tokenledger.canonical.GatewayError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admission value classes without Redis or Quarkus: windows, limits, budgets. */
class AdmissionValuesTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    // Saturday 2026-11-28 23:30 in Berlin (22:30 UTC)
    static final Instant NOW = Instant.parse("2026-11-28T22:30:00Z");

    @Test
    void calendarWindowsFollowTheTimeZone() {
        Window day = Window.of("day", BERLIN, NOW, NOW, 30);
        assertEquals(new Window("d2026-11-28@Europe/Berlin", Instant.parse("2026-11-27T23:00:00Z"),
                Instant.parse("2026-11-28T23:00:00Z")), day);
        assertEquals("d2026-11-28@UTC", Window.of("day", ZoneId.of("UTC"), NOW, NOW, 30).id());

        Window week = Window.of("week", BERLIN, NOW, NOW, 30);
        assertEquals("w2026-11-23@Europe/Berlin", week.id());
        assertEquals(Instant.parse("2026-11-22T23:00:00Z"), week.start());
        assertEquals(Instant.parse("2026-11-29T23:00:00Z"), week.end());

        Window month = Window.of("month", BERLIN, NOW, NOW, 30);
        assertEquals(new Window("m2026-11-01@Europe/Berlin",
                Instant.parse("2026-10-31T23:00:00Z"), Instant.parse("2026-11-30T23:00:00Z")), month);
        // 23:30 UTC on 30 November is already December in Berlin
        assertEquals("m2026-12-01@Europe/Berlin",
                Window.of("month", BERLIN, Instant.parse("2026-11-30T23:30:00Z"), NOW, 30).id());
    }

    @Test
    void rollingWindowsCountPeriodsFromTheAnchor() {
        Instant anchor = Instant.parse("2026-11-01T00:00:00Z");
        Window first = Window.of("rolling", BERLIN, anchor, anchor, 7);
        assertEquals(new Window("r7-" + anchor.getEpochSecond() + "-0", anchor, Instant.parse("2026-11-08T00:00:00Z")),
                first);
        Window fourth = Window.of("rolling", BERLIN, NOW, anchor, 7);
        assertEquals("r7-" + anchor.getEpochSecond() + "-3", fourth.id());
        assertEquals(Instant.parse("2026-11-22T00:00:00Z"), fourth.start());
        assertEquals(Instant.parse("2026-11-29T00:00:00Z"), fourth.end());
        // the last instant of a period is still in it, the next one starts the next period
        assertEquals("r7-" + anchor.getEpochSecond() + "-0",
                Window.of("rolling", BERLIN, Instant.parse("2026-11-07T23:59:59.999Z"), anchor, 7).id());
        assertEquals("r7-" + anchor.getEpochSecond() + "-1",
                Window.of("rolling", BERLIN, Instant.parse("2026-11-08T00:00:00Z"), anchor, 7).id());
        // a clock before the anchor stays in the first period
        assertEquals(anchor, Window.of("rolling", BERLIN, anchor.minusSeconds(60), anchor, 7).start());
        assertThrows(IllegalArgumentException.class, () -> Window.of("year", BERLIN, NOW, NOW, 7));
    }

    @Test
    void limitKinds() {
        assertEquals("g", Limit.RPM.kind());
        assertEquals("g", Limit.TPM.kind());
        assertEquals("c", Limit.PARALLEL.kind());
        assertEquals("q", Limit.DAILY_TOKENS.kind());
        assertEquals("q", Limit.MONTHLY_TOKENS.kind());
        assertEquals("b", Limit.BUDGET.kind());
        assertEquals("p", Limit.PACE.kind());
        assertEquals("policy_rate_limit", Limit.RPM.reason());
        assertEquals("policy_parallel", Limit.PARALLEL.reason());
        assertEquals("policy_quota", Limit.MONTHLY_TOKENS.reason());
        assertEquals("policy_budget", Limit.BUDGET.reason());
        assertEquals("adaptive", Limit.PACE.reason());
        for (Limit limit : Limit.values()) {
            assertEquals(limit == Limit.DAILY_TOKENS || limit == Limit.MONTHLY_TOKENS, limit.quota(), limit::name);
            assertEquals(limit.quota() || limit == Limit.BUDGET, limit.counted(), limit::name);
        }
    }

    @Test
    void budgetAmountsAndDefaults() {
        BudgetSpec budget = new BudgetSpec(new BigDecimal("0.0000505"), null, null, null, null, null);
        assertEquals(51, budget.amountMicros());
        assertEquals(50, new BudgetSpec(new BigDecimal("0.0000504"), null, null, null, null, null).amountMicros());
        assertEquals(250_000_000, new BudgetSpec(new BigDecimal("250.00"), "day", null, null, null, false)
                .amountMicros());
        assertEquals("month", budget.windowOrDefault());
        assertEquals("week", new BudgetSpec(BigDecimal.ONE, "week", null, null, null, null).windowOrDefault());
        assertTrue(budget.isHard());
        assertTrue(new BudgetSpec(BigDecimal.ONE, null, null, null, null, true).isHard());
        assertFalse(new BudgetSpec(BigDecimal.ONE, null, null, null, null, false).isHard());
    }

    @Test
    void budgetValidationNamesTheField() {
        new BudgetSpec(BigDecimal.ZERO, "rolling", 7, "Europe/Berlin", BigDecimal.ONE, true).validate("b.");
        new BudgetSpec(BigDecimal.ONE, null, null, null, new BigDecimal("0.8"), null).validate("b.");
        assertInvalid("b.amountUsd", () -> new BudgetSpec(null, null, null, null, null, null).validate("b."));
        assertInvalid("b.amountUsd",
                () -> new BudgetSpec(new BigDecimal("-0.01"), null, null, null, null, null).validate("b."));
        assertInvalid("b.window", () -> new BudgetSpec(BigDecimal.ONE, "year", null, null, null, null).validate("b."));
        assertInvalid("b.rollingDays",
                () -> new BudgetSpec(BigDecimal.ONE, "rolling", 0, null, null, null).validate("b."));
        assertInvalid("b.softThreshold",
                () -> new BudgetSpec(BigDecimal.ONE, null, null, null, BigDecimal.ZERO, null).validate("b."));
        assertInvalid("b.softThreshold",
                () -> new BudgetSpec(BigDecimal.ONE, null, null, null, new BigDecimal("1.01"), null).validate("b."));
        assertInvalid("b.timezone",
                () -> new BudgetSpec(BigDecimal.ONE, null, null, "Mars/Olympus", null, null).validate("b."));
    }

    @Test
    void limitSpecValidation() {
        LimitSpec ok = new LimitSpec(1L, 1L, 1, 1L, 1L, new BudgetSpec(BigDecimal.ONE, null, null, null, null, null),
                Map.of("gpt-4o", new LimitSpec(5L, null, null, null, null, null, null)));
        assertSame(ok, ok.validated("limits."));
        assertEquals(Map.of(), new LimitSpec(null, null, null, null, null, null, null).models());

        assertInvalid("limits.rpm", () -> new LimitSpec(0L, null, null, null, null, null, null).validated("limits."));
        assertInvalid("limits.tpm", () -> new LimitSpec(null, -1L, null, null, null, null, null).validated("limits."));
        assertInvalid("limits.maxParallel",
                () -> new LimitSpec(null, null, 0, null, null, null, null).validated("limits."));
        assertInvalid("limits.dailyTokens",
                () -> new LimitSpec(null, null, null, 0L, null, null, null).validated("limits."));
        assertInvalid("limits.monthlyTokens",
                () -> new LimitSpec(null, null, null, null, 0L, null, null).validated("limits."));
        assertInvalid("limits.budget.window", () -> new LimitSpec(null, null, null, null, null,
                new BudgetSpec(BigDecimal.ONE, "year", null, null, null, null), null).validated("limits."));
        assertInvalid("limits.models.m.rpm", () -> new LimitSpec(null, null, null, null, null, null,
                Map.of("m", new LimitSpec(0L, null, null, null, null, null, null))).validated("limits."));
        assertInvalid("limits.models.m.models", () -> new LimitSpec(null, null, null, null, null, null,
                Map.of("m", new LimitSpec(null, null, null, null, null, null,
                        Map.of("n", new LimitSpec(1L, null, null, null, null, null, null)))))
                .validated("limits."));
    }

    @Test
    void aDemandCarriesAnUnknownPriceAsNull() {
        Demand unpriced = new Demand("r1", null, "m", 100, null, "p/m");
        Demand free = new Demand("r1", null, "m", 100, 0L, "p/m");
        assertEquals(null, unpriced.worstCaseMicros());
        assertEquals(0L, free.worstCaseMicros());
        assertFalse(unpriced.equals(free));
    }

    static void assertInvalid(String param, org.junit.jupiter.api.function.Executable call) {
        GatewayError e = assertThrows(GatewayError.class, call);
        assertEquals(param, e.param());
    }
}
