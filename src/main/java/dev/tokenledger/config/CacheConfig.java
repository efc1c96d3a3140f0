package dev.tokenledger.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

/** The response cache. */
public interface CacheConfig {
    /**
     * Cache only requests whose answer is (nearly) deterministic: temperature 0. A request may still opt in with
     * {@code x-tokenledger-cache: on}.
     */
    @WithDefault("true")
    boolean deterministicOnly();

    /** Largest answer stored. */
    @WithDefault("1M")
    MemorySize maxEntrySize();
}
