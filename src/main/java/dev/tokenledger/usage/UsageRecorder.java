package dev.tokenledger.usage;

import java.util.concurrent.CompletionStage;

/**
 * Receives the usage of every request that reached an upstream, exactly once per request. Implementations must not
 * block the calling (event-loop) thread.
 */
public interface UsageRecorder {

    /**
     * Records a request's usage.
     *
     * @return completes when the record is durable, saying where (in the ledger, or forced to the local spool); fails
     *         when it could be neither: an answer must then not be served as if it had been metered
     */
    CompletionStage<Durability> record(UsageRecord record);
}
