package dev.tokenledger.coherence;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.config.GatewayConfig;

/**
 * The change channel: admin changes made on one replica reach every other replica through Redis pub/sub within
 * moments, instead of waiting for their periodic reloads (which stay as the backstop).
 * <p>
 * The replica that made a change applies it itself and then {@linkplain #announce announces} it; the others receive it
 * as a CDI {@link Change} event. Pub/sub delivers only to connected subscribers, so a replica whose subscription ended
 * (Redis restarted, connection lost) or went silent (its own heartbeat did not come back) subscribes again and fires
 * {@link Change#ALL} to reload everything it may have missed.
 */
@ApplicationScoped
public class Changes {

    static final String PING = "PING";

    private final ReactivePubSubCommands<String> pubsub;
    private final Event<Change> events;
    private final Vertx vertx;
    private final String channel;
    private final Duration heartbeat;
    private final Duration timeout;
    private final String origin = UUID.randomUUID().toString();
    private final AtomicBoolean resubscribing = new AtomicBoolean();
    private volatile ReactiveRedisSubscriber subscriber;
    private volatile int generation;
    private volatile boolean pingOutstanding;
    private volatile boolean stopped;

    @Inject
    public Changes(ReactiveRedisDataSource redis, Event<Change> events, Vertx vertx, GatewayConfig config) {
        this.pubsub = redis.pubsub(String.class);
        this.events = events;
        this.vertx = vertx;
        this.channel = config.coherence().channel();
        this.heartbeat = config.coherence().heartbeat();
        this.timeout = config.coherence().timeout();
    }

    void onStart(@Observes StartupEvent event) {
        subscribe();
        vertx.setPeriodic(heartbeat.toMillis(), heartbeat.toMillis(), id -> beat());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
    }

    /**
     * Tells every other replica about a change this replica has made durable and applied. A failure to announce is
     * logged and does not fail the change: the other replicas then apply it with their periodic reload.
     */
    public Uni<Void> announce(Change change) {
        return pubsub.publish(channel, change.encode(origin)).ifNoItem().after(timeout).fail()
                .onFailure().invoke(e -> Log.warnf("Could not announce a %s change to the other replicas (they apply it "
                        + "with their periodic reload): %s", change.kind(), e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Whether this replica currently receives the other replicas' announcements. */
    public boolean subscribed() {
        return subscriber != null;
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        int current = ++generation;
        pubsub.subscribe(channel, this::received, () -> ended(current, null), e -> ended(current, e))
                .ifNoItem().after(timeout).fail()
                .subscribe().with(s -> subscribed(current, s), e -> {
                    Log.warnf("Cannot subscribe to the change channel (retrying; admin changes of other replicas arrive "
                            + "with the periodic reload until then): %s", e.toString());
                    retryLater();
                });
    }

    private void subscribed(int current, ReactiveRedisSubscriber s) {
        if (current != generation) {
            s.unsubscribe().subscribe().with(v -> {
            }, e -> {
            });
            return;
        }
        subscriber = s;
        pingOutstanding = false;
        resubscribing.set(false);
        Log.debugf("Subscribed to the change channel %s", channel);
        // whatever was announced before this subscription existed was not received: reload it all
        fire(Change.ALL);
    }

    private void ended(int current, Throwable failure) {
        if (current != generation || stopped) {
            return;
        }
        subscriber = null;
        Log.warnf("The change channel subscription ended (%s): subscribing again",
                failure == null ? "connection closed" : failure.toString());
        retryLater();
    }

    private void retryLater() {
        if (stopped || !resubscribing.compareAndSet(false, true)) {
            return;
        }
        vertx.setTimer(Math.min(1000, heartbeat.toMillis()), id -> {
            resubscribing.set(false);
            subscribe();
        });
    }

    /** Every heartbeat: the previous ping must have come back through the subscription, else it is dead. */
    private void beat() {
        ReactiveRedisSubscriber s = subscriber;
        if (s == null || stopped) {
            return;
        }
        if (pingOutstanding) {
            Log.warn("The change channel went silent (this replica's heartbeat did not come back): subscribing again");
            subscriber = null;
            generation++;
            s.unsubscribe().subscribe().with(v -> {
            }, e -> {
            });
            retryLater();
            return;
        }
        pingOutstanding = true;
        pubsub.publish(channel, origin + '|' + PING + '|').ifNoItem().after(timeout).fail().subscribe().with(v -> {
        }, e -> Log.debugf("Heartbeat not published: %s", e.toString()));
    }

    private void received(String message) {
        Change.decode(message).ifPresent(m -> {
            if (origin.equals(m.origin())) {
                if (m.change() == null) {
                    pingOutstanding = false;
                }
                return; // this replica applied its own change already
            }
            if (m.change() != null) {
                fire(m.change());
            }
        });
    }

    private void fire(Change change) {
        try {
            events.fire(change);
        } catch (RuntimeException e) {
            Log.warnf(e, "Applying a %s change failed (the periodic reload retries)", change.kind());
        }
    }
}
