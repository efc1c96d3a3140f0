package dev.tokenledger.config;

import io.smallrye.config.WithDefault;

/** The services started when none are configured. */
public interface EmbeddedConfig {
    /**
     * Directory of the embedded PostgreSQL's data (kept across restarts) and of the embedded Redis's working files
     * (its data stays in memory).
     */
    @WithDefault("data")
    String dataDir();
}
