package dev.tokenledger.admission.redis;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Demand;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.admission.limits.LimitStore;
import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.limits.StoredLimits;
import dev.tokenledger.auth.Principal;
import dev.tokenledger.config.GatewayConfig;

/**
 * The ledger is the truth; Redis holds the counters admission reads. Every {@code tokenledger.admission.drift-interval}
 * one replica (by a Redis lease) compares each budget's and token quota's counter for the current window with the
 * ledger's total and publishes the difference ({@code tokenledger_limit_drift}). A difference beyond
 * {@code tokenledger.admission.drift-tolerance} in two rounds running (a request between its durable row and its
 * settlement is a difference of one round) is logged as a warning and counted: something settled twice, or not at all.
 */
@ApplicationScoped
public class Drift {

    private final LimitStore store;
    private final Seeder seeder;
    private final Redis redis;
    private final AdmissionMetrics metrics;
    private final GatewayConfig config;
    private final Leases leases;

    @Inject
    public Drift(LimitStore store, Seeder seeder, Redis redis, AdmissionMetrics metrics, GatewayConfig config, Leases leases) {
        this.store = store;
        this.seeder = seeder;
        this.redis = redis;
        this.metrics = metrics;
        this.config = config;
        this.leases = leases;
    }

    /** The counters beyond the tolerance in the last round, and by how much. */
    private final Map<String, Long> beyond = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent event) {
        leases.every(config.admission().driftInterval(), "tl:drift:lease", "Drift check", this::check);
    }

    /** One round (on the replica that holds the lease): answers how many counters were compared. */
    public Uni<Integer> check() {
        return compare(counted());
    }

    /** The budget and quota checks of every scope's current windows, per-model ones included, by Redis key. */
    private List<Check> counted() {
        ZoneId zone = ZoneId.of(config.admission().timezone());
        Instant now = Instant.now();
        Map<String, Check> checks = new LinkedHashMap<>();
        for (StoredLimits scope : store.all()) {
            List<String> models = new ArrayList<>();
            models.add(null);
            models.addAll(scope.spec().models().keySet());
            for (String model : models) {
                Demand demand = new Demand("drift", Principal.ANONYMOUS, model, 0, 0L, null);
                for (Check check : Plans.checks(List.of(scope), demand, zone, now, false)) {
                    if (check.type().counted()) {
                        checks.putIfAbsent(check.key(), check);
                    }
                }
            }
        }
        return new ArrayList<>(checks.values());
    }

    private Uni<Integer> compare(List<Check> checks) {
        if (checks.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Request> reads = new ArrayList<>(checks.size() * 2);
        checks.forEach(check -> {
            reads.add(Request.cmd(Command.HGET).arg(check.key()).arg("spent"));
            reads.add(Request.cmd(Command.ZRANGE).arg(check.key() + ":h").arg(0).arg(-1));
        });
        return redis.batch(reads).ifNoItem().after(config.admission().redisTimeout()).fail().chain(spent -> {
            List<Uni<Void>> rounds = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                Response value = spent.get(2 * i);
                if (value != null) { // a counter not seeded yet has nothing to differ
                    Check check = checks.get(i);
                    long counter = value.toLong();
                    long leased = leased(spent.get(2 * i + 1));
                    rounds.add(seeder.ledgerTotal(check).invoke(total -> compared(check, counter, leased, total))
                            .replaceWithVoid());
                }
            }
            // one ledger query at a time: the check must not load the database
            return Multi.createFrom().iterable(rounds).onItem().transformToUniAndConcatenate(u -> u).collect()
                    .asList().map(done -> done.size());
        });
    }

    /** What the capacity leases of a counter's holds zset hold (members {@code L/...:<amount>}). */
    private static long leased(Response holds) {
        long leased = 0;
        if (holds != null) {
            for (Response member : holds) {
                String hold = member.toString();
                if (hold.startsWith("L/")) {
                    leased += Long.parseLong(hold.substring(hold.lastIndexOf(':') + 1));
                }
            }
        }
        return leased;
    }

    /**
     * @param leased what capacity leases hold of the counter: usage admitted from them is posted in batches, so a
     *        counter behind the ledger by at most that much is not drift
     */
    private void compared(Check check, long counter, long leased, long ledger) {
        long difference = counter - ledger;
        if (difference < 0 && -difference <= leased) {
            difference = 0;
        }
        String limit = check.type().name().toLowerCase(Locale.ROOT);
        metrics.drift(check.label(), limit, difference);
        if (Math.abs(difference) <= config.admission().driftTolerance()) {
            beyond.remove(check.key());
            return;
        }
        if (beyond.put(check.key(), difference) != null) {
            metrics.driftAlert(check.scopeType(), limit);
            Log.warnf("The %s of %s (window %s) differs from the ledger: Redis %d, ledger %d (%+d %s), in two drift "
                    + "checks running", limit, check.label(), check.window().id(), counter, ledger, difference,
                    check.type() == Limit.BUDGET ? "micro-USD" : "tokens");
        }
    }
}
