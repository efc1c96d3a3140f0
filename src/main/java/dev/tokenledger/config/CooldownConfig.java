package dev.tokenledger.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** How long a deployment is skipped after each kind of failure. */
public interface CooldownConfig {
    /** After 401 or 403: the credentials are wrong. */
    @WithDefault("10m")
    Duration auth();

    /** After 404: the model does not exist there. */
    @WithDefault("10m")
    Duration notFound();

    /** After 429 without {@code Retry-After}; doubled on each repeat within the maximum. */
    @WithDefault("5s")
    Duration rateLimited();

    /** Longest cooldown after 429s, {@code Retry-After} included. */
    @WithDefault("5m")
    Duration rateLimitedMax();

    /** After a 5xx, a timeout, a reset or a malformed answer. */
    @WithDefault("10s")
    Duration serverError();
}
