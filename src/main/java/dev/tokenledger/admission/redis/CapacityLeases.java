package dev.tokenledger.admission.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.admission.limits.Ticket;
import dev.tokenledger.config.AdmissionConfig;
import dev.tokenledger.config.GatewayConfig;

/**
 * Capacity leases: this replica takes chunks of a limit's capacity from Redis (requests and tokens of a rate, tokens of
 * a quota, micro-USD of a budget) and admits requests locally from them; what they use is posted back in batches. A
 * lease is at most the limit's free capacity divided by four times the live replicas and none below
 * {@code min-requests} requests' worth, so near a limit, and for small limits, every request is checked in Redis as
 * without leases. Unused capacity goes back when a lease is idle for its TTL, on shutdown, and when a replica refused
 * near the limit asks for it (channel {@value #CHANNEL}). Design: docs/limits-and-budgets.md, "Leases".
 */
@ApplicationScoped
public class CapacityLeases {

    /** Pub/sub channel on which the admission script asks every replica to give back its leases on one limit. */
    public static final String CHANNEL = "tl:leases:starve";

    private final RedisScripts scripts;
    private final RedisState state;
    private final GatewayConfig config;
    private final Vertx vertx;
    private final ReactivePubSubCommands<String> pubsub;

    @Inject
    public CapacityLeases(RedisScripts scripts, RedisState state, GatewayConfig config, Vertx vertx,
            ReactiveRedisDataSource redis) {
        this.scripts = scripts;
        this.state = state;
        this.config = config;
        this.vertx = vertx;
        this.pubsub = redis.pubsub(String.class);
    }

    private final String replicaId = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    /** The open lease of each limit (by its Redis key). */
    private final Map<String, Lease> open = new ConcurrentHashMap<>();
    /** Closed budget and quota leases whose running requests still hold part of them. */
    private final Map<Lease, Boolean> draining = new ConcurrentHashMap<>();
    /** Requests admitted from leases and not settled yet, with the lease of each of their checks. */
    private final Map<String, Admitted> admitted = new ConcurrentHashMap<>();
    /** Limits near their end (a grant refused, or a replica starved): no lease is asked for until then (nanoTime). */
    private final Map<String, Long> quietUntil = new ConcurrentHashMap<>();
    /** Requests admitted from leases toward each (unpaced) deployment since the last flush, by pace key. */
    private final Map<String, java.util.concurrent.atomic.LongAdder> paceCounts = new ConcurrentHashMap<>();
    private long timer = -1;
    private volatile boolean stopped;

    /** One lease of one limit; every field is guarded by the pool's lock. */
    static final class Lease {
        final String key;
        final String tag;
        final String id;
        final Check check;
        final boolean rate;
        /** Rates: units leased. Quotas and budgets: the amount Redis holds for this lease. */
        long granted;
        /** Rates: units used (tokens corrected by settlements). */
        long consumed;
        /** Quotas and budgets: held by running requests, and used but not posted yet. */
        long inFlight;
        long used;
        /** The last grant, and when it came (nanoTime): a lease used up fast asks for twice as much next time. */
        long lastGrant;
        long lastGrantAt = System.nanoTime();
        long lastUse = System.nanoTime();
        long lastCall = System.nanoTime();
        long closedAt;
        boolean pending;
        /** Asked for by a starving replica: given back at once. */
        boolean returning;
        boolean closing;

        Lease(Check check, String tag, String id) {
            this.key = check.key();
            this.tag = tag;
            this.id = id;
            this.check = check;
            this.rate = check.type() == Limit.RPM || check.type() == Limit.TPM;
        }

        long available() {
            return rate ? granted - consumed : granted - inFlight - used;
        }

        boolean empty() {
            return rate ? granted == 0 : granted == 0 && used == 0 && inFlight == 0;
        }
    }

    /** A request admitted from leases: the lease of each of its checks and what it took of each. */
    private record Admitted(Lease[] leases, long[] amounts) {
    }

    /** One op of a lease call, as sent: what its answer is applied to. */
    private record Op(Lease lease, boolean close, boolean wanted, long sentUsed, List<String> args) {
    }

    private AdmissionConfig.Leases settings() {
        return config.admission().leases();
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.admission().enabled() || !settings().enabled()) {
            return;
        }
        long every = Math.max(50, settings().flushInterval().toMillis());
        timer = vertx.setPeriodic(every, every, id -> tick(false).subscribe().with(v -> {
        }, e -> Log.debugf("Lease round failed: %s", e.getMessage())));
        subscribe();
    }

    /** Gives every lease back before the Redis connections close, so the other replicas can use it at once. */
    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        stopped = true;
        if (timer < 0) {
            return;
        }
        vertx.cancelTimer(timer);
        try {
            tick(true).await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            Log.warnf("Leases not given back at shutdown (%s): Redis charges them when they expire", e.getMessage());
        }
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        pubsub.subscribe(CHANNEL, this::starved, this::resubscribe, e -> resubscribe())
                .subscribe().with(s -> {
                }, e -> resubscribe());
    }

    private void resubscribe() {
        if (!stopped) {
            vertx.setTimer(1000, id -> subscribe());
        }
    }

    /** Whether a check can be served from a lease (concurrency and alerting budgets are checked per request). */
    static boolean leasable(Check check) {
        return switch (check.type()) {
            case RPM, TPM, DAILY_TOKENS, MONTHLY_TOKENS, PACE -> true;
            case BUDGET -> check.softMicros() == 0;
            default -> false;
        };
    }

    /**
     * Admits a request from this replica's leases when they cover every check of it (no Redis call), or answers false
     * (the request is then checked in Redis) and asks for leases in the background where the limits are far from their
     * end.
     */
    public boolean admit(Ticket ticket, boolean paced) {
        List<Check> checks = ticket.checks();
        if (checks.isEmpty() || !settings().enabled() || state.down() || stopped) {
            return false;
        }
        String pace = null;
        for (Check check : checks) {
            if (!leasable(check) || check.type() == Limit.PACE && paced) {
                return false;
            }
            if (check.type() == Limit.PACE) {
                pace = check.key();
            }
        }
        Lease[] found = new Lease[checks.size()];
        long[] amounts = new long[checks.size()];
        boolean covered = true;
        boolean low = false;
        long now = System.nanoTime();
        synchronized (this) {
            for (int i = 0; i < found.length; i++) {
                Check check = checks.get(i);
                if (check.type() == Limit.PACE) {
                    continue; // not paced: counted toward its per-second rate with the next flush
                }
                Lease lease = open.get(check.key());
                found[i] = lease;
                amounts[i] = check.amount();
                if (lease != null && lease.check.limit() != check.limit()) {
                    lease.returning = true; // the limit changed: its lease was sized for the old one
                }
                if (lease == null || lease.closing || lease.returning || lease.available() < check.amount()) {
                    covered = false;
                }
            }
            if (covered) {
                for (int i = 0; i < found.length; i++) {
                    Lease lease = found[i];
                    if (lease == null) {
                        continue;
                    }
                    long amount = amounts[i];
                    if (lease.rate) {
                        lease.consumed += amount;
                    } else {
                        lease.inFlight += amount;
                    }
                    lease.lastUse = now;
                    low |= lease.available() * 2 < lease.lastGrant;
                }
            }
        }
        if (covered) {
            admitted.put(ticket.demand().requestId(), new Admitted(found, amounts));
            if (pace != null) {
                paced(pace);
            }
        }
        if (!covered || low) {
            grow(ticket, now);
        }
        return covered;
    }

    /**
     * Settles a request admitted from leases: what it used is added to them and posted with their next batch. Answers
     * false for a request that was not admitted from leases.
     */
    public boolean settle(String requestId, long tokens, long micros) {
        Admitted request = admitted.remove(requestId);
        if (request == null) {
            return false;
        }
        synchronized (this) {
            for (int i = 0; i < request.leases().length; i++) {
                Lease lease = request.leases()[i];
                if (lease == null) {
                    continue;
                }
                long amount = request.amounts()[i];
                switch (lease.check.type()) {
                    case TPM -> lease.consumed += tokens - amount;
                    case DAILY_TOKENS, MONTHLY_TOKENS -> {
                        lease.inFlight -= amount;
                        lease.used += tokens;
                    }
                    case BUDGET -> {
                        lease.inFlight -= amount;
                        lease.used += micros;
                    }
                    default -> {
                    }
                }
            }
        }
        return true;
    }

    private void paced(String paceKey) {
        paceCounts.computeIfAbsent(paceKey, k -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    /** Posts the requests admitted from leases toward each deployment, so a first 429 paces from what it took. */
    private Uni<Void> postPaces() {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        paceCounts.forEach((key, count) -> {
            long n = count.sumThenReset();
            if (n > 0) {
                keys.add(key);
                args.addAll(List.of("p", String.valueOf(keys.size()), String.valueOf(n), "0", "0", "0", "0", "0", "0"));
            }
        });
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        args.addAll(0, List.of(replicaId, "0", String.valueOf(keys.size()), "1"));
        return scripts.run(RedisScripts.LEASE, keys, args).replaceWithVoid().onFailure().recoverWithNull();
    }

    /** Asks for (more of) the leases of a request's limits, in one call; one call at a time per lease. */
    private void grow(Ticket ticket, long now) {
        List<Op> ops = new ArrayList<>();
        synchronized (this) {
            for (Check check : ticket.checks()) {
                if (check.type() == Limit.PACE) {
                    continue;
                }
                Long quiet = quietUntil.get(check.key());
                if (quiet != null) {
                    if (now - quiet < 0) {
                        continue;
                    }
                    quietUntil.remove(check.key());
                }
                Lease lease = open.get(check.key());
                if (lease == null) {
                    lease = new Lease(check, ticket.tag(), Long.toString(sequence.incrementAndGet()));
                    open.put(check.key(), lease);
                }
                if (lease.pending || lease.returning) {
                    continue; // a returning lease is closed by the next tick first
                }
                long unit = Math.max(1, check.amount());
                // used up within a quarter of the TTL: twice the last grant; else as much as that (at least 16 requests)
                long want = now - lease.lastGrantAt < settings().ttl().toNanos() / 4 ? 2 * lease.lastGrant : lease.lastGrant;
                want = Math.min(settings().maxRequests() * unit, Math.max(16 * unit, want));
                ops.add(op(lease, false, want, settings().minRequests() * unit));
            }
        }
        if (!ops.isEmpty()) {
            send(ticket.tag(), ops).subscribe().with(v -> {
            }, e -> {
            });
        }
    }

    /**
     * A lease's op, marked pending. Rates: more units (or, closing, the unused ones back). Quotas and budgets: what was
     * used is posted and the lease renewed, grown (want &gt; 0) or closed down to what running requests hold.
     */
    private Op op(Lease lease, boolean close, long want, long least) {
        lease.pending = true;
        List<String> args = new ArrayList<>(9);
        Check check = lease.check;
        long sentUsed = 0;
        if (lease.rate) {
            long back = close ? lease.granted - lease.consumed : 0;
            long keep = close ? 0 : lease.available();
            add(args, "g", check.interval(), String.valueOf(Check.MINUTE_US),
                    String.valueOf(back), String.valueOf(want), String.valueOf(least), String.valueOf(keep));
        } else {
            sentUsed = lease.used;
            long limit = check.enforced() ? check.limit() : Long.MAX_VALUE / 4;
            add(args, "q", String.valueOf(limit), String.valueOf(lease.granted), String.valueOf(sentUsed),
                    String.valueOf(lease.inFlight), String.valueOf(close ? -1 : want), String.valueOf(least));
        }
        args.add(lease.id);
        return new Op(lease, close, want > 0, sentUsed, args);
    }

    private static void add(List<String> args, String... values) {
        args.add(values[0]);
        args.add("");
        for (int i = 1; i < values.length; i++) {
            args.add(values[i]);
        }
    }

    /** One call for the ops of one organization's limits. */
    private Uni<Void> send(String tag, List<Op> ops) {
        List<String> keys = new ArrayList<>(ops.size());
        List<String> args = new ArrayList<>(4 + ops.size() * 9);
        args.add(replicaId);
        args.add(String.valueOf(settings().ttl().toMillis() * 3));
        args.add(String.valueOf(ops.size()));
        args.add(String.valueOf(4L * Math.max(1, state.replicas())));
        for (Op op : ops) {
            keys.add(op.lease().key);
            List<String> values = new ArrayList<>(op.args());
            values.set(1, String.valueOf(keys.size()));
            args.addAll(values);
        }
        return scripts.run(RedisScripts.LEASE, keys, args)
                .invoke(r -> {
                    state.answered();
                    applied(ops, r);
                })
                .onFailure().invoke(failure -> {
                    state.failed(failure);
                    synchronized (this) {
                        ops.forEach(op -> op.lease().pending = false);
                    }
                    Log.debugf("Lease call for %s failed (retried): %s", tag, failure.getMessage());
                })
                .replaceWithVoid();
    }

    private void applied(List<Op> ops, Response r) {
        long now = System.nanoTime();
        synchronized (this) {
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                Lease lease = op.lease();
                long amount = r.get(2 * i).toLong();
                long grant = r.get(2 * i + 1).toLong();
                lease.pending = false;
                lease.lastCall = now;
                if (amount < 0) {
                    // the counter is gone (it is seeded again from the ledger) or Redis charged the expired lease whole
                    lease.closing = true;
                    lease.granted = 0;
                    lease.used = 0;
                    lease.inFlight = 0;
                    forget(lease);
                    quietUntil.put(lease.key, now + settings().ttl().toNanos());
                    continue;
                }
                if (lease.rate) {
                    if (op.close()) {
                        lease.granted = 0;
                        forget(lease);
                    } else {
                        lease.granted += grant;
                    }
                } else {
                    lease.granted = amount;
                    lease.used -= op.sentUsed();
                    if (op.close() && lease.empty()) {
                        forget(lease);
                    }
                }
                if (grant > 0) {
                    lease.lastGrant = grant;
                    lease.lastGrantAt = now;
                } else if (op.wanted() && lease.available() <= 0) {
                    // near the limit: checked per request in Redis for a while
                    quietUntil.put(lease.key, now + settings().ttl().toNanos());
                }
            }
        }
    }

    private void forget(Lease lease) {
        open.remove(lease.key, lease);
        draining.remove(lease);
    }

    /**
     * Every flush interval (and at shutdown, {@code all}): posts what leases used, renews them, and gives back the
     * leases idle for their TTL or asked for by a starving replica (at shutdown, every lease).
     */
    Uni<Void> tick(boolean all) {
        if (!all && !state.up()) {
            return Uni.createFrom().voidItem();
        }
        long now = System.nanoTime();
        long ttl = settings().ttl().toNanos();
        Map<String, List<Op>> calls = new HashMap<>();
        synchronized (this) {
            List<Lease> leases = new ArrayList<>(open.values());
            leases.addAll(draining.keySet());
            for (Lease lease : leases) {
                if (lease.pending) {
                    continue;
                }
                boolean wasClosing = lease.closing;
                boolean close = all || wasClosing || lease.returning || now - lease.lastUse > ttl;
                if (wasClosing && now - lease.closedAt > config.admission().holdTtl().toNanos()) {
                    // requests admitted from it that never settled: stop renewing it, Redis charges what it still holds
                    forget(lease);
                    continue;
                }
                if (close && !wasClosing) {
                    lease.closing = true;
                    lease.closedAt = now;
                    open.remove(lease.key, lease);
                    draining.put(lease, Boolean.TRUE);
                }
                if (lease.empty()) {
                    forget(lease);
                    continue;
                }
                // a draining lease is called again when there is use to post, when it emptied, or to renew it
                boolean due = close && (!wasClosing || all || lease.inFlight == 0) || lease.used != 0
                        || now - lease.lastCall > ttl / 2;
                if (due) {
                    calls.computeIfAbsent(lease.tag, t -> new ArrayList<>()).add(op(lease, close, 0, 0));
                }
            }
        }
        List<Uni<Void>> sent = new ArrayList<>(calls.size() + 1);
        if (!paceCounts.isEmpty()) {
            sent.add(postPaces());
        }
        calls.forEach((tag, ops) -> sent.add(send(tag, ops).onFailure().recoverWithNull()));
        return sent.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sent).andCollectFailures().replaceWithVoid();
    }

    /** A replica was refused on a limit while leases on it exist: give this replica's back at once. */
    private void starved(String key) {
        long until = System.nanoTime() + settings().ttl().toNanos() * 5;
        Lease lease;
        synchronized (this) {
            quietUntil.put(key, until);
            lease = open.get(key);
            if (lease == null) {
                return;
            }
            lease.returning = true;
        }
        tick(false).subscribe().with(v -> {
        }, e -> {
        });
    }

    /** Leases open on this replica (for tests and the shutdown log). */
    public int size() {
        return open.size() + draining.size();
    }
}
