package dev.tokenledger.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Virtual keys. */
public interface KeysConfig {
    /**
     * Server-side secret mixed into the stored hash of every virtual key (keep it in a secret store, apart from the
     * master key; changing it invalidates every key issued under it). Required to issue keys. Keys issued before it
     * was set were hashed with the master key (pepper version 1): they keep verifying with the master key until
     * they are rotated, and start-up warns while any is left.
     */
    Optional<String> pepper();

    /**
     * How long a key lookup is cached on the request path. Changes through the admin API reach every replica at
     * once over the change channel; this bounds staleness only when an announcement was lost.
     */
    @WithDefault("30s")
    Duration cacheTtl();

    /** Most keys whose lookups are cached; the least recently used are evicted beyond it. */
    @WithDefault("100000")
    int cacheSize();

    /**
     * How long a known key's last good lookup may still be used when PostgreSQL cannot be asked again (an outage):
     * the bound on how stale a key's state (revoked, disabled, allowed models) may be while the database is away.
     * Unknown keys are refused with 503 meanwhile. {@code 0s} turns serving stale lookups off.
     */
    @WithDefault("1h")
    Duration maxStale();

    /**
     * Most well-formed keys remembered as unknown (so that repeating a forged key costs no database lookup); the
     * least recently used are evicted beyond it.
     */
    @WithDefault("10000")
    int negativeCacheSize();

    /** How long a well-formed key is remembered as unknown (capped by {@code cache-ttl}). */
    @WithDefault("5s")
    Duration negativeCacheTtl();

    /** Longest wait for a key lookup in PostgreSQL before the database is taken as unavailable. */
    @WithDefault("2s")
    Duration lookupTimeout();
}
