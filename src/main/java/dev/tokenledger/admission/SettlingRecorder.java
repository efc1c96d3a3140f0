package dev.tokenledger.admission;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;

/**
 * Settles a request's admission right after its usage is handed to the ledger: every request path already records
 * usage exactly once, whatever the outcome (answered, failed, cancelled, cut-off stream with partial usage).
 */
@Decorator
@Priority(10)
public class SettlingRecorder implements UsageRecorder {

    @Inject
    @Delegate
    UsageRecorder delegate;

    @Inject
    Settlement settlement;

    @Override
    public void record(UsageRecord record) {
        delegate.record(record);
        settlement.settle(record);
    }
}
