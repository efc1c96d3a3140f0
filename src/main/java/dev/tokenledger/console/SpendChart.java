package dev.tokenledger.console;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.tokenledger.admin.UsageResource.UsageGroup;

/**
 * A stacked bar chart of usage over time drawn as SVG on the server (no script, readable by screen readers through each
 * bar's title and the table beside it): one bar per period, one colour per group (the largest groups; the rest as
 * "other"). Unpriced usage adds nothing to a cost bar; the table says how much of it there is.
 */
public final class SpendChart {

    static final int WIDTH = 760;
    static final int HEIGHT = 260;
    static final int LEFT = 70;
    static final int BOTTOM = 40;
    static final int MAX_SERIES = 8;
    /** At most this many steps on the y axis. */
    static final int TICKS = 5;
    static final String[] COLOURS = {"#2f6fde", "#e0772e", "#2e9e5b", "#b8429a", "#8a6d3b", "#17a2b8", "#d64545",
            "#6f42c1", "#888888"};

    public record Bar(double x, double y, double w, double h, String colour, String title) {
    }

    public record Legend(String name, String colour) {
    }

    public record Tick(double y, String label) {
        public double textY() {
            return y + 4;
        }
    }

    public record Label(double x, String text) {
    }

    public final List<Bar> bars = new ArrayList<>();
    public final List<Legend> legend = new ArrayList<>();
    public final List<Tick> ticks = new ArrayList<>();
    public final List<Label> labels = new ArrayList<>();
    public final int width = WIDTH;
    public final int height = HEIGHT;
    public final int right = WIDTH - 10;
    public final int labelY = HEIGHT - 22;
    public final String metric;

    private SpendChart(String metric) {
        this.metric = metric;
    }

    /** The value of a group for a metric: cost in USD (unpriced counts 0 here and is reported in the table), tokens, requests. */
    static double value(UsageGroup g, String metric) {
        return switch (metric) {
            case "tokens" -> g.inputTokens() + g.outputTokens();
            case "requests" -> g.requests();
            default -> g.costUsd() == null ? 0 : new BigDecimal(g.costUsd()).doubleValue();
        };
    }

    static String label(UsageGroup g) {
        return g.name() != null ? g.name() : g.group() == null ? "(none)" : g.group();
    }

    public static SpendChart of(List<UsageGroup> series, List<String> top, String metric) {
        SpendChart chart = new SpendChart(metric);
        TreeSet<String> periods = new TreeSet<>();
        Map<String, Map<String, Double>> stacks = new LinkedHashMap<>();
        for (UsageGroup g : series) {
            periods.add(g.period());
            String name = top.contains(label(g)) ? label(g) : "other";
            stacks.computeIfAbsent(g.period(), p -> new LinkedHashMap<>()).merge(name, value(g, metric), Double::sum);
        }
        List<String> names = new ArrayList<>(top);
        if (stacks.values().stream().anyMatch(m -> m.containsKey("other"))) {
            names.add("other");
        }
        for (int i = 0; i < names.size(); i++) {
            chart.legend.add(new Legend(names.get(i), COLOURS[Math.min(i, COLOURS.length - 1)]));
        }
        double tallest = stacks.values().stream().mapToDouble(m -> m.values().stream().mapToDouble(d -> d).sum()).max()
                .orElse(0);
        BigDecimal step = step(tallest, metric);
        int steps = Math.max(1, (int) Math.ceil(tallest / step.doubleValue()));
        double max = step.doubleValue() * steps;
        int plotW = WIDTH - LEFT - 10;
        int plotH = HEIGHT - BOTTOM - 10;
        double slot = periods.isEmpty() ? plotW : (double) plotW / periods.size();
        double barW = Math.max(1, slot * 0.8);
        for (int t = 0; t <= steps; t++) {
            chart.ticks.add(new Tick(10 + plotH - plotH * (double) t / steps, tick(step.multiply(BigDecimal.valueOf(t)),
                    step, metric)));
        }
        int index = 0;
        int every = Math.max(1, periods.size() / 8);
        for (String period : periods) {
            double x = LEFT + index * slot + (slot - barW) / 2;
            double y = 10 + plotH;
            Map<String, Double> stack = stacks.getOrDefault(period, Map.of());
            for (int i = 0; i < names.size(); i++) {
                double v = stack.getOrDefault(names.get(i), 0.0);
                if (v <= 0) {
                    continue;
                }
                double h = plotH * v / max;
                y -= h;
                chart.bars.add(new Bar(x, y, barW, h, COLOURS[Math.min(i, COLOURS.length - 1)],
                        names.get(i) + ", " + period + ": " + format(v, metric)));
            }
            if (index % every == 0) {
                chart.labels.add(new Label(x, period.length() >= 13 && period.endsWith(":00:00Z") && !period.contains("T00:")
                        ? period.substring(5, 13).replace('T', ' ') + "h"
                        : period.substring(0, 10)));
            }
            index++;
        }
        return chart;
    }

    /**
     * The distance between the y axis' ticks: 1, 2, 2.5 or 5 times a power of ten, so that at most {@link #TICKS}
     * steps reach the tallest bar (counts step by whole numbers).
     */
    static BigDecimal step(double tallest, String metric) {
        boolean counts = !"cost".equals(metric);
        if (!(tallest > 0)) {
            return counts ? BigDecimal.ONE : new BigDecimal("0.01");
        }
        BigDecimal rough = new BigDecimal(tallest / TICKS, new java.math.MathContext(3));
        BigDecimal power = BigDecimal.ONE.scaleByPowerOfTen(rough.precision() - rough.scale() - 1);
        for (String m : new String[]{"1", "2", "2.5", "5", "10"}) {
            BigDecimal step = new BigDecimal(m).multiply(power).stripTrailingZeros();
            if (step.compareTo(rough) >= 0 && !(counts && step.compareTo(BigDecimal.ONE) < 0)) {
                return step;
            }
        }
        return counts && power.compareTo(BigDecimal.ONE) < 0 ? BigDecimal.ONE : BigDecimal.TEN.multiply(power);
    }

    /** A tick's label: money with as many decimals as the step needs (at least cents below a dollar), counts whole. */
    static String tick(BigDecimal value, BigDecimal step, String metric) {
        if (!"cost".equals(metric)) {
            return String.format(java.util.Locale.ROOT, "%,d", value.longValue());
        }
        if (value.signum() == 0) {
            return "$0";
        }
        int decimals = step.stripTrailingZeros().scale() <= 0 ? 0 : Math.max(2, step.stripTrailingZeros().scale());
        return "$" + String.format(java.util.Locale.ROOT, "%,." + decimals + "f", value);
    }

    static String format(double v, String metric) {
        return switch (metric) {
            case "tokens", "requests" -> String.format(java.util.Locale.ROOT, "%,.0f", v);
            default -> String.format(java.util.Locale.ROOT, "$%,.4f", v);
        };
    }

}
