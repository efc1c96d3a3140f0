package dev.tokenledger.admission.settlement;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;

/**
 * Settles a request's admission once its usage is durable in the ledger (never before: a crash in between is
 * repaired by re-seeding the counters from the ledger, while a settle without its row would count money the ledger
 * never saw). A row forced to the write-ahead log settles then, as one forced to the spool does, without the
 * transaction that will write it: a counter Redis lost between the request's admission and the row's batch commit
 * (at most {@code write-ahead-interval} and one insert later) and re-seeded meanwhile misses that request's use. Every request path records usage exactly once, whatever the outcome (answered, failed, cancelled,
 * cut-off stream with partial usage). A row that could be neither written nor spooled still settles what was used.
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
    public CompletionStage<Durability> record(UsageRecord record) {
        CompletionStage<Durability> durable = delegate.record(record);
        durable.whenComplete((where, failure) -> settlement.settle(record, where == null ? 0 : where.transaction()));
        return durable;
    }
}
