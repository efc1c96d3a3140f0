package dev.tokenledger.admission.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.Check;

/**
 * The lease script's wire side: how a lease's op is written as arguments of {@code lease.lua}, one call per
 * organization's ops, and the per-deployment request counts posted with the flush. {@link CapacityLeases} decides what
 * to ask for and applies the answers.
 */
final class LeaseCalls {

    /** One op of a lease call, as sent: what its answer is applied to. */
    record Op(Lease lease, boolean close, boolean wanted, long sentUsed, List<String> args) {
    }

    private final RedisScripts scripts;
    private final RedisState state;
    private final String replicaId;
    /** Requests admitted from leases toward each (unpaced) deployment since the last flush, by pace key. */
    private final Map<String, LongAdder> paceCounts = new ConcurrentHashMap<>();

    LeaseCalls(RedisScripts scripts, RedisState state, String replicaId) {
        this.scripts = scripts;
        this.state = state;
        this.replicaId = replicaId;
    }

    /**
     * A lease's op, marked pending (the caller holds the leases' lock). Rates: more units (or, closing, the unused ones
     * back). Quotas and budgets: what was used is posted and the lease renewed, grown (want &gt; 0) or closed down to
     * what running requests hold.
     */
    static Op op(Lease lease, boolean close, long want, long least) {
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

    /** The op's name, a placeholder for its key's index (set when sent), then its values. */
    private static void add(List<String> args, String... values) {
        args.add(values[0]);
        args.add("");
        for (int i = 1; i < values.length; i++) {
            args.add(values[i]);
        }
    }

    /** One call for the ops of one organization's limits; its answer has two numbers per op, in order. */
    Uni<Response> send(List<Op> ops, Duration ttl) {
        List<String> keys = new ArrayList<>(ops.size());
        List<String> args = new ArrayList<>(4 + ops.size() * 9);
        args.add(replicaId);
        args.add(String.valueOf(ttl.toMillis() * 3));
        args.add(String.valueOf(ops.size()));
        args.add(String.valueOf(4L * Math.max(1, state.replicas())));
        for (Op op : ops) {
            keys.add(op.lease().key);
            List<String> values = new ArrayList<>(op.args());
            values.set(1, String.valueOf(keys.size()));
            args.addAll(values);
        }
        return scripts.run(RedisScripts.LEASE, keys, args).invoke(r -> state.answered())
                .onFailure().invoke(state::failed);
    }

    /** A request admitted from leases toward an unpaced deployment. */
    void paced(String paceKey) {
        paceCounts.computeIfAbsent(paceKey, k -> new LongAdder()).increment();
    }

    boolean hasPaces() {
        return !paceCounts.isEmpty();
    }

    /** Posts the requests admitted from leases toward each deployment, so a first 429 paces from what it took. */
    Uni<Void> postPaces() {
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
}
