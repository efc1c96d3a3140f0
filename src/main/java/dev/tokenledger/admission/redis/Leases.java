package dev.tokenledger.admission.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

import dev.tokenledger.admission.limits.LimitStore;
import dev.tokenledger.config.GatewayConfig;

/**
 * Rounds of background work on the limits that one replica at a time does, by a Redis lease that lasts about a round;
 * none while admission is off, Redis is down or no scope has limits.
 */
@ApplicationScoped
public class Leases {

    private final Redis redis;
    private final RedisState state;
    private final LimitStore store;
    private final Vertx vertx;
    private final GatewayConfig config;

    @Inject
    public Leases(Redis redis, RedisState state, LimitStore store, Vertx vertx, GatewayConfig config) {
        this.redis = redis;
        this.state = state;
        this.store = store;
        this.vertx = vertx;
        this.config = config;
    }

    private final String instance = UUID.randomUUID().toString();
    private final List<Long> timers = new CopyOnWriteArrayList<>();

    void onStop(@Observes ShutdownEvent event) {
        timers.forEach(vertx::cancelTimer);
    }

    /** Runs {@code round} every {@code interval} on whichever replica takes the lease named {@code lease}. */
    public void every(Duration interval, String lease, String what, Supplier<Uni<?>> round) {
        long every = interval.toMillis();
        timers.add(vertx.setPeriodic(every, every, id -> {
            if (!config.admission().enabled() || state.down() || store.isEmpty()) {
                return;
            }
            take(lease, interval).chain(mine -> mine ? round.get() : Uni.createFrom().voidItem()).subscribe()
                    .with(done -> {
                    }, e -> Log.debugf("%s: round skipped (%s)", what, e.getMessage()));
        }));
    }

    private Uni<Boolean> take(String lease, Duration interval) {
        long millis = Math.max(1000, interval.toMillis() - 100);
        return redis.send(Request.cmd(Command.SET).arg(lease).arg(instance).arg("NX").arg("PX").arg(millis))
                .ifNoItem().after(config.admission().redisTimeout()).fail()
                .map(r -> r != null);
    }
}
