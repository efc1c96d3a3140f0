package dev.tokenledger.cache;

import java.util.Locale;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.routing.Route;

/**
 * Exact-match response cache in Redis, shared by all replicas. An alias is cached when it has a
 * {@code cache-ttl}; by default only requests with temperature 0 are (the others would not repeat their answer), and
 * a request may opt in with {@code x-tokenledger-cache: on} or out with {@code Cache-Control: no-cache} (do not
 * serve from the cache) or {@code no-store} (neither serve nor store). Entries are scoped to the caller's team unless
 * the alias shares them. Redis trouble is a cache miss, never a failed request.
 */
@ApplicationScoped
public class ResponseCache {

    public static final String OPT_IN = "x-tokenledger-cache";
    static final String PREFIX = "tokenledger:cache:";

    private final ReactiveValueCommands<String, byte[]> values;
    private final GatewayConfig config;

    @Inject
    public ResponseCache(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.values = redis.value(byte[].class);
        this.config = config;
    }

    /** Where this request's answer is cached; null when it is not to be cached at all. */
    public CacheKey key(Route route, ChatRequest request, Principal principal, UnaryOperator<String> header) {
        if (route.policy().cacheTtl() == null) {
            return null;
        }
        String control = lower(header.apply("Cache-Control"));
        boolean noStore = control.contains("no-store");
        boolean noCache = noStore || control.contains("no-cache");
        boolean optIn = "on".equals(lower(header.apply(OPT_IN)));
        boolean deterministic = request.temperature() != null && request.temperature() == 0.0;
        if (config.cache().deterministicOnly() && !deterministic && !optIn || "off".equals(lower(header.apply(OPT_IN)))) {
            return null;
        }
        String scope = route.policy().cacheShared() ? "shared" : scope(principal);
        return new CacheKey(PREFIX + RequestFingerprint.of(scope, request), !noCache, !noStore, route.policy().cacheTtl());
    }

    /** The cached answer, or null on a miss (also when the key may not be read or Redis does not answer in time). */
    public Uni<CachedAnswer> lookup(CacheKey key) {
        if (key == null || !key.read()) {
            return Uni.createFrom().nullItem();
        }
        return values.get(key.redisKey())
                .ifNoItem().after(config.routing().redisTimeout()).fail()
                .map(stored -> stored == null ? null : CachedAnswer.decode(stored))
                .onFailure().recoverWithItem(failure -> {
                    Log.debugf("Cache lookup failed, treated as a miss: %s", failure.toString());
                    return null;
                });
    }

    /** Whether an answer to this request is to be stored (so its canonical form is worth building). */
    public boolean stores(CacheKey key) {
        return key != null && key.store();
    }

    /** Stores an answer in the background; failures are logged, never felt by the request. */
    public void store(CacheKey key, CachedAnswer answer) {
        if (!stores(key) || answer.body().length > config.cache().maxEntrySize().asLongValue()) {
            return;
        }
        values.psetex(key.redisKey(), key.ttl().toMillis(), answer.encode()).subscribe().with(ok -> {
        }, failure -> Log.debugf("Cache store failed: %s", failure.toString()));
    }

    private static String scope(Principal principal) {
        if (principal.teamId() != null) {
            return "team:" + principal.teamId();
        }
        return principal.keyId() != null ? "key:" + principal.keyId() : "subject:" + principal.subject();
    }

    private static String lower(String value) {
        return value == null ? "" : value.toLowerCase(Locale.ROOT);
    }
}
