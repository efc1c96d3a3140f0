package dev.tokenledger.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** How admin changes reach every replica. */
public interface CoherenceConfig {
    /**
     * Redis pub/sub channel of admin changes. Pub/sub ignores the Redis database index: installations that share a
     * Redis server need channels of their own.
     */
    @WithDefault("tokenledger:changes")
    String channel();

    /**
     * How often each replica checks that its subscription still delivers (it publishes a heartbeat it must receive
     * back); a silent subscription is replaced and everything reloaded.
     */
    @WithDefault("5s")
    Duration heartbeat();

    /** Longest wait for Redis when announcing a change or subscribing. */
    @WithDefault("2s")
    Duration timeout();
}
