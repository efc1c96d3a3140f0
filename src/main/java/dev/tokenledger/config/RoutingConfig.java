package dev.tokenledger.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Per-deployment guards and cooldowns. */
public interface RoutingConfig {
    /**
     * Longest wait for one attempt: the whole answer, or a stream's first event (before anything is sent to the
     * client).
     */
    @WithDefault("60s")
    Duration attemptTimeout();

    /** Retries on the same deployment after a retryable error, before moving on. */
    @WithDefault("1")
    int maxRetries();

    /** First retry delay; doubled each retry, with jitter. */
    @WithDefault("200ms")
    Duration retryDelay();

    /**
     * Longest wait before a retry on the same deployment; a {@code Retry-After} above it moves on to the next
     * deployment at once.
     */
    @WithDefault("2s")
    Duration maxRetryDelay();

    /** Attempts in the breaker's rolling window before it may open. */
    @WithDefault("20")
    int breakerRequestVolume();

    /** Share of failed attempts in the window that opens the breaker. */
    @WithDefault("0.5")
    double breakerFailureRatio();

    /** How long an open breaker waits before letting a probe through (half-open). */
    @WithDefault("30s")
    Duration breakerDelay();

    /** Cooldowns of a deployment after a failure, shared by all replicas through Redis. */
    CooldownConfig cooldown();

    /** Longest wait for Redis on the request path before the local view is used. */
    @WithDefault("250ms")
    Duration redisTimeout();
}
