package dev.tokenledger.observability;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;

/**
 * Meters every usage record (GenAI operation duration and token counts) as it is recorded, before the ledger and
 * settlement see it, so that the ledger knows nothing of metrics.
 */
@Decorator
@Priority(5)
public class MeteringRecorder implements UsageRecorder {

    private final UsageRecorder delegate;
    private final GatewayMetrics metrics;

    @Inject
    public MeteringRecorder(@Delegate UsageRecorder delegate, GatewayMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Durability> record(UsageRecord record) {
        metrics.usage(record);
        return delegate.record(record);
    }
}
