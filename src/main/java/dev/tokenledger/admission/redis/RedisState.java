package dev.tokenledger.admission.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.config.GatewayConfig;

/**
 * Whether Redis answers, and how many replicas share the limits. After a failed call, requests use the local fallback
 * for {@code redis-retry-after} without waiting on Redis; then the next request tries it again. A heartbeat every
 * second records this replica and counts the live ones, so the fallback knows this replica's share.
 */
@ApplicationScoped
public class RedisState {

    private static final String REPLICAS = "tl:replicas";
    private static final long ALIVE_MS = 5000;
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(1);

    private final RedisScripts scripts;
    private final Redis redis;
    private final GatewayConfig config;
    private final Vertx vertx;
    private final AdmissionMetrics metrics;

    @Inject
    public RedisState(RedisScripts scripts, Redis redis, GatewayConfig config, Vertx vertx, AdmissionMetrics metrics) {
        this.scripts = scripts;
        this.redis = redis;
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
    }

    private final String replicaId = UUID.randomUUID().toString();
    private volatile long downUntil;
    private volatile boolean down;
    private volatile int replicas;
    private long timer = -1;

    void onStart(@Observes StartupEvent event) {
        replicas = Math.max(1, config.admission().expectedReplicas());
        metrics.gauge("tokenledger.admission.redis.up", "1 while admission reaches Redis, 0 while it uses the local "
                + "fallback", () -> down ? 0 : 1);
        metrics.gauge("tokenledger.admission.replicas", "Replicas sharing the limits, as last seen through Redis",
                () -> replicas);
        if (config.admission().enabled()) {
            timer = vertx.setPeriodic(0, 1000, id -> heartbeat());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
        if (timer >= 0 && !down) {
            // the others' local fallback share grows at once, not only when this replica's heartbeat is forgotten
            try {
                redis.send(Request.cmd(Command.ZREM).arg(REPLICAS).arg(replicaId)).await().atMost(LEAVE_TIMEOUT);
            } catch (RuntimeException e) {
                Log.debugf("Replica %s could not leave the replica set (%s); it is forgotten after %d ms", replicaId,
                        e.getMessage(), ALIVE_MS);
            }
        }
    }

    /** Whether to call Redis now. */
    public boolean up() {
        return !down || System.nanoTime() - downUntil >= 0;
    }

    public boolean down() {
        return down;
    }

    public void failed(Throwable failure) {
        if (!down) {
            Log.errorf("Redis unreachable (%s): hard budgets refuse, rate limits fall back to this replica's share "
                    + "(1/%d)", failure, replicas);
        }
        down = true;
        downUntil = System.nanoTime() + config.admission().redisRetryAfter().toNanos();
    }

    public void answered() {
        if (down) {
            Log.info("Redis reachable again: admission enforces the shared limits");
        }
        down = false;
    }

    /** Live replicas, at least 1. */
    public int replicas() {
        return replicas;
    }

    private void heartbeat() {
        scripts.run(RedisScripts.HEARTBEAT, List.of(REPLICAS), List.of(replicaId, String.valueOf(ALIVE_MS)))
                .subscribe().with(r -> {
                    replicas = Math.max(1, r.toInteger());
                    answered();
                }, this::failed);
    }
}
