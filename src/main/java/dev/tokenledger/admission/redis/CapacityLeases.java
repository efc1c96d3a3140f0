package dev.tokenledger.admission.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
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
 * near the limit asks for it (channel {@value LeaseRounds#CHANNEL}; {@link LeaseRounds} drives the rounds). Design: docs/limits-and-budgets.md, "Leases".
 */
@ApplicationScoped
public class CapacityLeases {

    private final RedisScripts scripts;
    private final RedisState state;
    private final GatewayConfig config;
    private final LeaseCalls calls;

    @Inject
    public CapacityLeases(RedisScripts scripts, RedisState state, GatewayConfig config) {
        this.scripts = scripts;
        this.state = state;
        this.config = config;
        this.calls = new LeaseCalls(scripts, state, replicaId);
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
    private volatile boolean stopped;
    private volatile long pacesPostedAt = System.nanoTime();
    private static final long PACES_EVERY_NANOS = 1_000_000_000L;
    /** Lease calls made to grow leases (asked for by requests, not by the timer). */
    private final java.util.concurrent.atomic.LongAdder growCalls = new java.util.concurrent.atomic.LongAdder();

    /** A request admitted from leases: the lease of each of its checks and what it took of each. */
    private record Admitted(Lease[] leases, long[] amounts) {
    }

    private AdmissionConfig.Leases settings() {
        return config.admission().leases();
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
            if (!Lease.leasable(check) || check.type() == Limit.PACE && paced) {
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
                calls.paced(pace);
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

    /** Asks for (more of) the leases of a request's limits, in one call; one call at a time per lease. */
    private void grow(Ticket ticket, long now) {
        List<LeaseCalls.Op> ops = new ArrayList<>();
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
                ops.add(LeaseCalls.op(lease, false, want, settings().minRequests() * unit));
            }
        }
        if (!ops.isEmpty()) {
            growCalls.increment();
            send(ticket.tag(), ops).subscribe().with(v -> {
            }, e -> {
            });
        }
    }

    /** One call for the ops of one organization's limits, its answer applied to the leases. */
    private Uni<Void> send(String tag, List<LeaseCalls.Op> ops) {
        return calls.send(ops, settings().ttl()).invoke(r -> applied(ops, r))
                .onFailure().invoke(failure -> {
                    synchronized (this) {
                        ops.forEach(op -> op.lease().pending = false);
                    }
                    Log.debugf("Lease call for %s failed (retried): %s", tag, failure.getMessage());
                })
                .replaceWithVoid();
    }

    private void applied(List<LeaseCalls.Op> ops, Response r) {
        long now = System.nanoTime();
        synchronized (this) {
            for (int i = 0; i < ops.size(); i++) {
                LeaseCalls.Op op = ops.get(i);
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
                    // asked again after a flush interval, not a lease TTL: a counter that does not exist yet (the
                    // first request of a scope asks for a lease while its own admission seeds the counter) or that
                    // rolled over exists again once a request was checked in Redis
                    quietUntil.put(lease.key, now + settings().flushInterval().toNanos());
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
        Map<String, List<LeaseCalls.Op>> byTag = new HashMap<>();
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
                // a lease is called when it closes, when a draining one emptied, and to renew it (Redis keeps it for
                // 3 x ttl): what it used is posted then, or with the next call that grows it. Until then its hold in
                // Redis covers that use, so posting it sooner would only cost calls.
                boolean due = close && (!wasClosing || all || lease.inFlight == 0) || now - lease.lastCall > ttl;
                if (due) {
                    byTag.computeIfAbsent(lease.tag, t -> new ArrayList<>()).add(LeaseCalls.op(lease, close, 0, 0));
                }
            }
        }
        List<Uni<Void>> sent = new ArrayList<>(byTag.size() + 1);
        // per-second request counts toward deployments: at most once a second (a first 429 paces from about the rate
        // that was taken), at once at shutdown
        if (calls.hasPaces() && (all || now - pacesPostedAt >= PACES_EVERY_NANOS)) {
            pacesPostedAt = now;
            sent.add(calls.postPaces());
        }
        byTag.forEach((tag, ops) -> sent.add(send(tag, ops).onFailure().recoverWithNull()));
        return sent.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sent).andCollectFailures().replaceWithVoid();
    }

    /** No lease is taken or used from now on (shutdown: {@link LeaseRounds} gives them back). */
    void stop() {
        stopped = true;
    }

    /** A replica was refused on a limit while leases on it exist: give this replica's back at once. */
    void starved(String key) {
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

    /** Lease calls made so far to grow leases, as requests asked for them (the rest are the timer's rounds). */
    public long growCalls() {
        return growCalls.sum();
    }

    /** Leases open on this replica (for tests and the shutdown log). */
    public int size() {
        return open.size() + draining.size();
    }
}
