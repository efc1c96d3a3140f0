package dev.tokenledger.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

/** Upstream stream handling. */
public interface StreamingConfig {
    /** Longest line accepted in an upstream stream. */
    @WithDefault("4M")
    MemorySize maxLineSize();

    /** Largest single event accepted in an upstream stream. */
    @WithDefault("16M")
    MemorySize maxEventSize();
}
