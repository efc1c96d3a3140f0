package dev.tokenledger.admission.redis;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.config.GatewayConfig;

/**
 * What sets {@link CapacityLeases} going: their round every flush interval, the starvation channel on which the
 * admission script asks every replica to give back its leases on one limit, and the hand-back of every lease at
 * shutdown.
 */
@ApplicationScoped
class LeaseRounds {

    /** Pub/sub channel on which the admission script asks every replica to give back its leases on one limit. */
    static final String CHANNEL = "tl:leases:starve";

    private final CapacityLeases leases;
    private final GatewayConfig config;
    private final Vertx vertx;
    private final ReactivePubSubCommands<String> pubsub;
    private long timer = -1;
    private volatile boolean stopped;

    @Inject
    LeaseRounds(CapacityLeases leases, GatewayConfig config, Vertx vertx, ReactiveRedisDataSource redis) {
        this.leases = leases;
        this.config = config;
        this.vertx = vertx;
        this.pubsub = redis.pubsub(String.class);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.admission().enabled() || !config.admission().leases().enabled()) {
            return;
        }
        long every = Math.max(50, config.admission().leases().flushInterval().toMillis());
        timer = vertx.setPeriodic(every, every, id -> leases.tick(false).subscribe().with(v -> {
        }, e -> Log.debugf("Lease round failed: %s", e.getMessage())));
        subscribe();
    }

    /** Gives every lease back before the Redis connections close, so the other replicas can use it at once. */
    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        stopped = true;
        leases.stop();
        if (timer < 0) {
            return;
        }
        vertx.cancelTimer(timer);
        try {
            leases.tick(true).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            Log.warnf("Leases not given back at shutdown (%s): Redis charges them when they expire", e.getMessage());
        }
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        pubsub.subscribe(CHANNEL, leases::starved, this::resubscribe, e -> resubscribe())
                .subscribe().with(s -> {
                }, e -> resubscribe());
    }

    private void resubscribe() {
        if (!stopped) {
            vertx.setTimer(1000, id -> subscribe());
        }
    }
}
