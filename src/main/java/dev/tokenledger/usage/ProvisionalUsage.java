package dev.tokenledger.usage;

/**
 * Provisional records of streams that have begun answering: if the replica dies before a stream's usage is recorded,
 * another replica (or this one after a restart) bills the stream at the provisional record's estimate instead of not
 * at all. Implementations must not block the calling (event-loop) thread.
 */
public interface ProvisionalUsage {

    /** A stream's first content is leaving: keep this estimate until the stream's own record replaces it. */
    void open(UsageRecord estimate);

    /** The stream's own usage record was handed to the recorder: the estimate is no longer needed. */
    void close(String requestId);
}
