package dev.tokenledger.observability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.config.ConfiguredModels;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.usage.UsageRecord;

/**
 * Spend as a counter people can chart: {@code tokenledger_spend_usd_total} by the labels of
 * {@code tokenledger.metrics.spend-labels} (team and model by default), and {@code tokenledger_spend_unpriced_total}
 * counting the requests that have no price (never counted as $0). Each label keeps at most
 * {@code tokenledger.metrics.max-label-values} values; later ones are {@code other}.
 */
@ApplicationScoped
public class SpendMetrics {

    /** The labels the spend counter may have. */
    static final List<String> LABELS = List.of("org", "team", "key", "model", "provider");

    private final MeterRegistry registry;
    private final ConfiguredModels configured;
    private final String[] labels;
    private final BoundedLabel[] bounds;
    private final Map<List<String>, Counter[]> counters = new ConcurrentHashMap<>();

    @Inject
    public SpendMetrics(MeterRegistry registry, ConfiguredModels configured, GatewayConfig config) {
        this.registry = registry;
        this.configured = configured;
        this.labels = config.metrics().spendLabels().stream().map(String::trim).distinct().toArray(String[]::new);
        this.bounds = new BoundedLabel[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (!LABELS.contains(labels[i])) {
                throw new IllegalArgumentException("tokenledger.metrics.spend-labels: unknown label '" + labels[i]
                        + "'; valid labels: " + LABELS);
            }
            bounds[i] = new BoundedLabel(config.metrics().maxLabelValues());
        }
    }

    void record(UsageRecord record) {
        if (record.cached()) {
            return; // a cached answer costs nothing
        }
        String[] values = new String[labels.length];
        for (int i = 0; i < labels.length; i++) {
            values[i] = bounds[i].of(value(labels[i], record));
        }
        Counter[] pair = counters.computeIfAbsent(List.of(values), this::register);
        if (record.priced().priced()) {
            pair[0].increment(record.priced().cost().exactUsd().doubleValue());
        } else if (record.outcome() == UsageRecord.Outcome.OK) {
            pair[1].increment();
        }
    }

    private Counter[] register(List<String> values) {
        Counter.Builder usd = Counter.builder("tokenledger.spend.usd")
                .description("Spend in USD by the configured labels (tokenledger.metrics.spend-labels)");
        Counter.Builder unpriced = Counter.builder("tokenledger.spend.unpriced")
                .description("Answered requests without a price (their spend is unknown, not zero)");
        for (int i = 0; i < labels.length; i++) {
            usd.tag(labels[i], values.get(i));
            unpriced.tag(labels[i], values.get(i));
        }
        return new Counter[]{usd.register(registry), unpriced.register(registry)};
    }

    private String value(String label, UsageRecord record) {
        Principal p = record.principal();
        return switch (label) {
            case "org" -> p.orgId() == null ? null : p.orgId().toString();
            case "team" -> p.teamId() == null ? null : p.teamId().toString();
            case "key" -> p.keyId() == null ? null : p.keyId().toString();
            case "model" -> configured.label(record.requestedModel());
            default -> record.providerId();
        };
    }
}
