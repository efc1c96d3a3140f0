package dev.tokenledger.observability;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.usage.UsageRecord;

/**
 * The gateway's metrics. GenAI metrics follow the OpenTelemetry semantic conventions
 * ({@code gen_ai.client.operation.duration}, {@code gen_ai.client.token.usage}); the rest are TokenLedger's own.
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final Timer overhead;

    @Inject
    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
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
        Counter.builder("tokenledger.http.responses")
                .description("HTTP answers by endpoint and status class")
                .tags("endpoint", endpoint, "status_class", (status / 100) + "xx")
                .register(registry)
                .increment();
    }

    public void usage(UsageRecord record) {
        Tags tags = Tags.of("gen_ai.operation.name", record.operation(), "gen_ai.provider.name",
                record.providerType() == null ? "none" : record.providerType(), "gen_ai.request.model",
                record.requestedModel());
        Timer.builder("gen_ai.client.operation.duration")
                .description("GenAI operation duration")
                .tags(tags)
                .tag("error.type", record.errorKind() == null ? "none" : record.errorKind().name().toLowerCase())
                .register(registry)
                .record(Duration.ofNanos(record.durationNanos()));
        Usage usage = record.usage();
        tokens(tags, "input", usage.promptTokens());
        tokens(tags, "output", usage.completionTokens());
        Counter.builder("tokenledger.tokens")
                .description("Tokens by category")
                .tags(tags)
                .tag("category", "cached_input")
                .tag("source", usage.source().name().toLowerCase())
                .register(registry)
                .increment(usage.cachedPromptTokens());
        Counter.builder("tokenledger.tokens")
                .description("Tokens by category")
                .tags(tags)
                .tag("category", "reasoning")
                .tag("source", usage.source().name().toLowerCase())
                .register(registry)
                .increment(usage.reasoningTokens());
    }

    private void tokens(Tags tags, String type, long count) {
        DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Number of input and output tokens used")
                .tags(tags)
                .tag("gen_ai.token.type", type)
                .register(registry)
                .record(count);
    }
}
