package dev.tokenledger.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

/** Request limits. */
public interface LimitsConfig {
    /**
     * Largest request body accepted on the inference endpoints (token counting included); also the outer bound of
     * every endpoint ({@code quarkus.http.limits.max-body-size}).
     */
    @WithDefault("10M")
    MemorySize maxBodySize();

    /** Largest request body accepted on the admin API (price files included); at most {@link #maxBodySize()}. */
    @WithDefault("4M")
    MemorySize adminMaxBodySize();

    /**
     * How long a client may take to send its whole request body, from the moment its headers arrived. A body
     * still incomplete then is answered 408 and its connection closed: a trickled body cannot hold memory and a
     * connection for longer.
     */
    @WithDefault("60s")
    Duration bodyReadTimeout();
}
