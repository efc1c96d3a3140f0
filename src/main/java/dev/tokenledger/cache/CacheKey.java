package dev.tokenledger.cache;

import java.time.Duration;

/**
 * Where one request's answer is cached, and what the request allows.
 *
 * @param redisKey the Redis key: scope and normalised request, hashed
 * @param read whether a cached answer may be served ({@code Cache-Control: no-cache} says no)
 * @param store whether the fresh answer may be stored ({@code Cache-Control: no-store} says no)
 * @param ttl how long a stored answer lives
 */
public record CacheKey(String redisKey, boolean read, boolean store, Duration ttl) {
}
