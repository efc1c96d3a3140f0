package dev.tokenledger.console;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tokenledger.admin.UsageResource.UsageGroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The spend chart's y axis: round steps, distinct labels with the decimals money needs, whole counts. */
class SpendChartTest {

    static UsageGroup day(String period, String cost, long requests) {
        return new UsageGroup("m", requests, 0, 0, 0, 0, 0, cost, 0, true, "m", period);
    }

    static List<String> labels(List<UsageGroup> series, String metric) {
        return SpendChart.of(series, List.of("m"), metric).ticks.stream().map(SpendChart.Tick::label).toList();
    }

    @Test
    void moneyTicksAreRoundAndDistinct() {
        assertEquals(List.of("$0", "$250", "$500", "$750", "$1,000", "$1,250"),
                labels(List.of(day("2026-12-01T00:00:00Z", "1234.5", 3)), "cost"));
        assertEquals(List.of("$0", "$0.0025", "$0.0050", "$0.0075", "$0.0100", "$0.0125"),
                labels(List.of(day("2026-12-01T00:00:00Z", "0.0123", 3)), "cost"));
        assertEquals(List.of("$0", "$0.50", "$1.00", "$1.50", "$2.00"),
                labels(List.of(day("2026-12-01T00:00:00Z", "1.2", 3), day("2026-12-02T00:00:00Z", "2", 3)), "cost"));
        assertEquals(List.of("$0", "$0.01"), labels(List.of(), "cost"), "an empty chart still has an axis");
    }

    @Test
    void countTicksAreWholeNumbers() {
        assertEquals(List.of("0", "1", "2", "3"), labels(List.of(day("2026-12-01T00:00:00Z", null, 3)), "requests"));
        assertEquals(List.of("0", "2,000", "4,000", "6,000", "8,000", "10,000"),
                labels(List.of(day("2026-12-01T00:00:00Z", null, 9_100)), "requests"));
    }

    @Test
    void theHighestTickIsAtTheTopAndTheBarsScaleToIt() {
        SpendChart chart = SpendChart.of(List.of(day("2026-12-01T00:00:00Z", "0.75", 1)), List.of("m"), "cost");
        assertEquals(10.0, chart.ticks.get(chart.ticks.size() - 1).y(), 1e-9);
        assertEquals("$0.80", chart.ticks.get(chart.ticks.size() - 1).label());
        assertEquals(0.75 / 0.80, chart.bars.get(0).h() / (SpendChart.HEIGHT - SpendChart.BOTTOM - 10), 1e-9,
                "a $0.75 bar on a $0.80 axis");
    }
}
