package dev.tokenledger.config;

import io.smallrye.config.WithDefault;

/** Client authentication settings. */
public interface AuthConfig {
    /**
     * Serve {@code /v1/*} without any client authentication. Only for local experiments; never in production.
     */
    @WithDefault("false")
    boolean disabled();
}
