package dev.tokenledger.config;

import io.smallrye.config.WithDefault;

/** The admin API. */
public interface AdminConfig {
    /** Token claim listing the team ids a {@code viewer} may read. */
    @WithDefault("teams")
    String teamClaim();
}
