package dev.tokenledger.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.config.CooldownConfig;
import dev.tokenledger.config.GatewayConfig;

/**
 * Cooldowns of deployments, shared by every replica through Redis: one replica's discovery that a deployment fails
 * protects all of them. A cooldown is a Redis key that expires when the cooldown ends, so a deployment returns by
 * itself; the next request after that is its probe, and a repeated 429 doubles the next cooldown. While Redis is
 * unreachable each replica goes on with what it learnt itself.
 */
@ApplicationScoped
public class Cooldowns {

    static final String PREFIX = "tokenledger:cooldown:";
    static final String STRIKES = "tokenledger:cooldown-strikes:";
    static final long REDIS_RETRY_NANOS = 1_000_000_000L;

    /** One deployment resting until a moment. */
    @RegisterForReflection // written as JSON into the audit log, also in the native executable
    public record Cooldown(String deploymentId, Instant until, FailureClass reason) {
        public boolean activeAt(Instant now) {
            return until.isAfter(now);
        }
    }

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveRedisDataSource redis;
    private final CooldownConfig settings;
    private final Duration redisTimeout;
    private final Map<String, Cooldown> local = new ConcurrentHashMap<>();
    private final AtomicBoolean degraded = new AtomicBoolean();
    private volatile long retryRedisAt;

    private final Changes changes;

    @Inject
    public Cooldowns(ReactiveRedisDataSource redis, GatewayConfig config, Changes changes) {
        this.changes = changes;
        this.redis = redis;
        this.values = redis.value(String.class);
        this.settings = config.routing().cooldown();
        this.redisTimeout = config.routing().redisTimeout();
    }

    /** The active cooldowns among these deployments. */
    public Uni<Map<String, Cooldown>> active(Collection<String> deploymentIds) {
        Instant now = Instant.now();
        if (deploymentIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        if (degraded.get() && System.nanoTime() < retryRedisAt) {
            return Uni.createFrom().item(localView(deploymentIds, now));
        }
        String[] keys = deploymentIds.stream().map(id -> PREFIX + id).toArray(String[]::new);
        return bounded(values.mget(keys)).map(found -> {
            Map<String, Cooldown> active = new HashMap<>();
            for (String id : deploymentIds) {
                Cooldown c = decode(id, found.get(PREFIX + id));
                if (c != null && c.activeAt(now)) {
                    active.put(id, c);
                }
            }
            return active;
        }).onFailure().recoverWithItem(failure -> {
            redisDown(failure);
            return localView(deploymentIds, now);
        });
    }

    private Map<String, Cooldown> localView(Collection<String> deploymentIds, Instant now) {
        Map<String, Cooldown> active = new HashMap<>();
        for (String id : deploymentIds) {
            Cooldown c = local.get(id);
            if (c != null && c.activeAt(now)) {
                active.put(id, c);
            }
        }
        return active;
    }

    /**
     * Puts a deployment to rest after a failure of the given class; nothing for classes that do not rest a
     * deployment.
     *
     * @param retryAfter what the upstream asked for, or null
     * @return the cooldown, or null when none applies
     */
    public Uni<Cooldown> coolDown(String deploymentId, FailureClass failure, Duration retryAfter) {
        Uni<Duration> length = switch (failure) {
            case AUTH -> Uni.createFrom().item(settings.auth());
            case NOT_FOUND -> Uni.createFrom().item(settings.notFound());
            case SERVER -> Uni.createFrom().item(settings.serverError());
            case RATE_LIMITED -> rateLimited(deploymentId, retryAfter);
            default -> null;
        };
        if (length == null) {
            return Uni.createFrom().nullItem();
        }
        return length.flatMap(d -> {
            Cooldown cooldown = new Cooldown(deploymentId, Instant.now().plus(d), failure);
            local.put(deploymentId, cooldown);
            Log.infof("Deployment %s cools down for %d ms after %s", deploymentId, d.toMillis(), failure);
            return bounded(values.psetex(PREFIX + deploymentId, Math.max(1, d.toMillis()), encode(cooldown)))
                    .onFailure().invoke(this::redisDown).onFailure().recoverWithNull()
                    .replaceWith(cooldown);
        });
    }

    /** {@code Retry-After} when given, else the base doubled for each 429 in a row. Both capped. */
    private Uni<Duration> rateLimited(String deploymentId, Duration retryAfter) {
        Duration max = settings.rateLimitedMax();
        if (retryAfter != null) {
            return Uni.createFrom().item(min(retryAfter, max));
        }
        String key = STRIKES + deploymentId;
        return bounded(values.incr(key)
                .call(n -> redis.key().pexpire(key, max.multipliedBy(2))))
                .onFailure().recoverWithItem(1L)
                .map(strikes -> min(settings.rateLimited().multipliedBy(1L << Math.min(20, strikes - 1)), max));
    }

    /**
     * Ends a deployment's cooldown (admin action) and forgets its 429 streak, on every replica: in Redis, and in what
     * each replica keeps for when Redis is unreachable.
     */
    public Uni<Boolean> clear(String deploymentId) {
        boolean wasLocal = local.remove(deploymentId) != null;
        return bounded(redis.key().del(PREFIX + deploymentId, STRIKES + deploymentId))
                .call(() -> changes.announce(Change.deployment(deploymentId)))
                .map(n -> n > 0 || wasLocal);
    }

    /** A deployment's cooldown was ended through another replica. */
    void onChange(@Observes Change change) {
        if (change.kind() == Change.Kind.DEPLOYMENT) {
            local.remove(change.subject());
        }
    }

    /** Whether the last Redis call failed: cooldowns are then this replica's own. */
    public boolean degraded() {
        return degraded.get();
    }

    private <T> Uni<T> bounded(Uni<T> call) {
        return call.ifNoItem().after(redisTimeout).fail().invoke(() -> {
            if (degraded.compareAndSet(true, false)) {
                Log.info("Redis answers again: cooldowns are shared across replicas");
            }
        });
    }

    private void redisDown(Throwable failure) {
        // while Redis is down, requests do not each wait for its timeout: it is asked again once a second
        retryRedisAt = System.nanoTime() + REDIS_RETRY_NANOS;
        if (degraded.compareAndSet(false, true)) {
            Log.warnf("Redis is unreachable (%s): cooldowns are kept per replica until it answers", failure.toString());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String encode(Cooldown c) {
        return c.until().toEpochMilli() + "|" + c.reason().name();
    }

    private static Cooldown decode(String id, String value) {
        if (value == null) {
            return null;
        }
        int bar = value.indexOf('|');
        try {
            return new Cooldown(id, Instant.ofEpochMilli(Long.parseLong(value.substring(0, bar))),
                    FailureClass.valueOf(value.substring(bar + 1)));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
