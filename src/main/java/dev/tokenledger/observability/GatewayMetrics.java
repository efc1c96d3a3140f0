package dev.tokenledger.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.ConfiguredModels;
import dev.tokenledger.usage.UsageRecord;

/**
 * The gateway's metrics. GenAI metrics follow the OpenTelemetry semantic conventions
 * ({@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}, {@code gen_ai.server.time_to_first_token},
 * {@code gen_ai.server.time_per_output_token}), with their recommended bucket boundaries ({@link GenAiBuckets}); the
 * rest are TokenLedger's own. Meters are looked up by a small key per request and built once per key.
 */
@ApplicationScoped
public class GatewayMetrics {

    /** The error.type label of each error kind, and the source label of each usage source: not rebuilt per request. */
    private static final String[] ERROR_LABELS = java.util.Arrays.stream(ErrorKind.values())
            .map(k -> k.name().toLowerCase()).toArray(String[]::new);
    private static final String[] SOURCE_LABELS = java.util.Arrays.stream(Usage.Source.values())
            .map(k -> k.name().toLowerCase()).toArray(String[]::new);

    private final MeterRegistry registry;
    /** Bounds the model label: a model the configuration does not name is {@code other}. */
    private final ConfiguredModels configured;
    private final Timer overhead;
    private final Map<String, Counter> responses = new ConcurrentHashMap<>();
    private final Map<UsageKey, UsageMeters> usageMeters = new ConcurrentHashMap<>();
    private final SpendMetrics spend;

    @Inject
    public GatewayMetrics(MeterRegistry registry, ConfiguredModels configured, SpendMetrics spend) {
        this.registry = registry;
        this.configured = configured;
        this.spend = spend;
        this.overhead = Timer.builder("tokenledger.gateway.overhead")
                .description("Time spent in the gateway itself, not waiting on an upstream, until the response headers")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    public void overhead(long nanos) {
        overhead.record(Duration.ofNanos(nanos));
    }

    /** Counts an HTTP answer by endpoint group and status class (2xx, 4xx, ...). */
    public void response(String endpoint, int status) {
        int statusClass = Math.max(1, Math.min(5, status / 100));
        responses.computeIfAbsent(endpoint + statusClass, k -> Counter.builder("tokenledger.http.responses")
                .description("HTTP answers by endpoint and status class")
                .tags("endpoint", endpoint, "status_class", statusClass + "xx")
                .register(registry)).increment();
    }

    public void usage(UsageRecord record) {
        UsageMeters meters = usageMeters.computeIfAbsent(new UsageKey(record.operation(),
                record.providerType() == null ? "none" : record.providerType(), configured.label(record.requestedModel()),
                record.errorKind() == null ? "none" : ERROR_LABELS[record.errorKind().ordinal()],
                SOURCE_LABELS[record.usage().source().ordinal()]), this::usageMeters);
        Usage usage = record.usage();
        meters.duration.record(record.durationNanos(), TimeUnit.NANOSECONDS);
        meters.input.record(usage.promptTokens());
        meters.output.record(usage.completionTokens());
        meters.cachedInput.increment(usage.cachedPromptTokens());
        meters.reasoning.increment(usage.reasoningTokens());
        if (record.streamed() && record.firstTokenNanos() >= 0 && !record.cached()) {
            meters.timeToFirstToken.record(record.firstTokenNanos(), TimeUnit.NANOSECONDS);
            long after = usage.completionTokens() - 1;
            if (after > 0 && record.durationNanos() > record.firstTokenNanos()) {
                // the time per output token after the first, as the conventions define it for a whole response
                meters.timePerOutputToken.record((record.durationNanos() - record.firstTokenNanos()) / after,
                        TimeUnit.NANOSECONDS);
            }
        }
        spend.record(record);
    }

    private UsageMeters usageMeters(UsageKey key) {
        Tags tags = Tags.of("gen_ai.operation.name", key.operation, "gen_ai.provider.name", key.providerType,
                "gen_ai.request.model", key.model);
        return new UsageMeters(
                Timer.builder("gen_ai.client.operation.duration")
                        .description("GenAI operation duration")
                        .tags(tags)
                        .tag("error.type", key.error)
                        .serviceLevelObjectives(GenAiBuckets.durations(GenAiBuckets.DURATION))
                        .register(registry),
                tokens(tags, "input"),
                tokens(tags, "output"),
                Counter.builder("tokenledger.tokens")
                        .description("Tokens by category")
                        .tags(tags)
                        .tag("category", "cached_input")
                        .tag("source", key.source)
                        .register(registry),
                Counter.builder("tokenledger.tokens")
                        .description("Tokens by category")
                        .tags(tags)
                        .tag("category", "reasoning")
                        .tag("source", key.source)
                        .register(registry),
                Timer.builder("gen_ai.server.time_to_first_token")
                        .description("Time from a streamed request's arrival to its first bytes of answer")
                        .tags(tags)
                        .serviceLevelObjectives(GenAiBuckets.durations(GenAiBuckets.TIME_TO_FIRST_TOKEN))
                        .register(registry),
                Timer.builder("gen_ai.server.time_per_output_token")
                        .description("Time per output token after the first, of streamed answers")
                        .tags(tags)
                        .serviceLevelObjectives(GenAiBuckets.durations(GenAiBuckets.TIME_PER_OUTPUT_TOKEN))
                        .register(registry));
    }

    private record UsageKey(String operation, String providerType, String model, String error, String source) {
    }

    private record UsageMeters(Timer duration, DistributionSummary input, DistributionSummary output, Counter cachedInput,
            Counter reasoning, Timer timeToFirstToken, Timer timePerOutputToken) {
    }

    private DistributionSummary tokens(Tags tags, String type) {
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Number of input and output tokens used")
                .tags(tags)
                .tag("gen_ai.token.type", type)
                .serviceLevelObjectives(GenAiBuckets.TOKENS)
                .register(registry);
    }
}
