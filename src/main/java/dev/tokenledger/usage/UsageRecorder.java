package dev.tokenledger.usage;

/**
 * Receives the usage of every request that reached an upstream, exactly once per request. Implementations must not
 * block the calling (event-loop) thread.
 */
public interface UsageRecorder {

    void record(UsageRecord record);
}
