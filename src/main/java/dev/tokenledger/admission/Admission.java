package dev.tokenledger.admission;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Demand;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.admission.limits.LimitStore;
import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.limits.StoredLimits;
import dev.tokenledger.admission.limits.Ticket;
import dev.tokenledger.admission.limits.UnpricedCharges;
import dev.tokenledger.admission.redis.CapacityLeases;
import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.admission.redis.RedisState;
import dev.tokenledger.admission.redis.Seeder;
import dev.tokenledger.admission.settlement.InFlight;
import dev.tokenledger.admission.settlement.Pacing;
import dev.tokenledger.admission.settlement.Settlement;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.AdmissionConfig;
import dev.tokenledger.config.ConfiguredModels;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.TokenEstimator;

/**
 * Admits a request against every limit of its key, team and organization (and per-model limits within them) in one
 * atomic Redis call: a request slot, reserved tokens, a concurrency slot and a budget hold of the worst-case cost,
 * all or nothing. A principal without limits costs no Redis call. While Redis is down, rate limits fall back to this
 * replica's share and hard budgets refuse with 503. The reservation is settled when the request's usage is recorded
 * ({@link Settlement}).
 */
@ApplicationScoped
public class Admission {

    private static final Uni<Void> ADMITTED = Uni.createFrom().voidItem();

    private final LimitStore store;
    private final RedisScripts scripts;
    private final RedisState redis;
    private final Seeder seeder;
    private final Pacing pacing;
    private final TokenEstimator estimator;
    private final Pricer pricer;
    private final UnpricedCharges unpricedCharges;
    private final AdmissionMetrics metrics;
    private final GatewayConfig config;
    private final Settlement settlement;
    private final InFlight inFlight;
    private final ConfiguredModels configured;
    private final Vertx vertx;
    private final CapacityLeases leases;

    @Inject
    public Admission(LimitStore store, RedisScripts scripts, RedisState redis, Seeder seeder, Pacing pacing,
            TokenEstimator estimator, Pricer pricer, UnpricedCharges unpricedCharges, AdmissionMetrics metrics,
            GatewayConfig config, Settlement settlement, InFlight inFlight, ConfiguredModels configured, Vertx vertx,
            CapacityLeases leases) {
        this.store = store;
        this.scripts = scripts;
        this.redis = redis;
        this.seeder = seeder;
        this.pacing = pacing;
        this.estimator = estimator;
        this.pricer = pricer;
        this.unpricedCharges = unpricedCharges;
        this.metrics = metrics;
        this.config = config;
        this.settlement = settlement;
        this.inFlight = inFlight;
        this.configured = configured;
        this.vertx = vertx;
        this.leases = leases;
    }

    private long renewTimer = -1;
    private volatile ZoneId zone;

    /**
     * Admits a chat request: prompt estimate (times the safety factor of each deployment's tokenizer family) plus the
     * output cap (or the configured default) of every answer it asks for. Its budget hold is the worst case over every
     * deployment the route may use, fallbacks included.
     *
     * @param primary the deployment the request goes to first
     * @param reachable every deployment it may end up on, fallbacks included (asked only when a budget is held)
     */
    public Uni<Void> admitChat(RequestContext ctx, ChatRequest request, Target primary,
            Supplier<List<Target>> reachable) {
        if (!config.admission().enabled()) {
            return ADMITTED;
        }
        return admit(ctx, primary, reachable, request.model(),
                () -> estimator.promptTokens(request),
                WorstCase.output(request, config.admission().defaultMaxOutputTokens()));
    }

    /**
     * Admits a token-counting request as one request of the principal's rates and concurrency (nothing is held of its
     * token quotas or budgets); the caller releases it when the count is done.
     */
    public Uni<Void> admitCount(RequestContext ctx, String model, Target target) {
        if (!config.admission().enabled()) {
            return ADMITTED;
        }
        return admit(ctx, target, () -> List.of(target), model, () -> 0, 0);
    }

    /** Admits an embeddings request: its input tokens. */
    public Uni<Void> admitEmbeddings(RequestContext ctx, String model, long inputTokens, Target target) {
        if (!config.admission().enabled()) {
            return ADMITTED;
        }
        return admit(ctx, target, () -> List.of(target), model, () -> inputTokens, 0);
    }

    private Uni<Void> admit(RequestContext ctx, Target primary, Supplier<List<Target>> targets, String model,
            java.util.function.LongSupplier prompt, long maxOut) {
        List<StoredLimits> scopes = Plans.scopes(store, ctx.principal());
        String deployment = configured.stateKey(primary.provider().id(), primary.upstreamModel());
        boolean adaptive = config.admission().adaptive().enabled();
        if (scopes.isEmpty() && !(adaptive && pacing.paced(deployment))) {
            return ADMITTED;
        }
        long estimate = prompt.getAsLong();
        List<Target> reachable = targets.get();
        long promptTokens = estimate;
        for (Target target : reachable) {
            promptTokens = Math.max(promptTokens, promptTokens(estimate, target));
        }
        Instant now = Instant.now();
        // the worst case is only priced (over every reachable deployment) when some scope has a budget to hold it
        Long worst = null;
        String unpriced = null;
        if (Plans.budgeted(scopes, model)) {
            worst = 0L;
            for (Target target : reachable) {
                Long quote = quote(target, WorstCase.usages(promptTokens(estimate, target), maxOut), now);
                if (quote == null) {
                    worst = null;
                    unpriced = target == primary ? model : target.id();
                    break;
                }
                worst = Math.max(worst, quote);
            }
        }
        if (worst == null && unpriced != null && unpricedCharges.fallback()) {
            // held at the fallback prices, as it will be charged
            worst = unpricedCharges.micros(new Usage(promptTokens, 0, 0, maxOut, 0, Usage.Source.ESTIMATED));
        }
        Demand demand = new Demand(ctx.requestId(), ctx.principal(), model, promptTokens + maxOut, worst, deployment);
        List<Check> checks = Plans.checks(scopes, demand, zone(), now, adaptive);
        if (unpriced != null) {
            for (Check check : checks) {
                if (check.type() == Limit.BUDGET
                        && unpricedCharges.policy(check.enforced()) == AdmissionConfig.UnpricedPolicy.REFUSE) {
                    metrics.decision("refused", "unpriced", check.scopeType());
                    return Uni.createFrom().failure(Refusals.unpriced(check, unpriced));
                }
            }
        }
        Ticket ticket = new Ticket(demand, Plans.tag(ctx.principal().orgId()), checks, false);
        if (!redis.up()) {
            return fallback(ctx, ticket);
        }
        if (leases.admit(ticket, adaptive && pacing.paced(deployment))) {
            RateHeaders.limitsOnly(ctx, checks);
            metrics.decision("admitted", "lease", checks.get(0).scopeType());
            return ADMITTED;
        }
        return viaRedis(ctx, ticket, true, STARVED_RETRIES);
    }

    /**
     * How often a request refused while a replica held a lease on the limit is tried again, and after what (doubling:
     * 25, 50, 100, 200 ms), while the leases are given back.
     */
    private static final int STARVED_RETRIES = 4;
    private static final long STARVED_WAIT_MS = 25;

    /** The prompt estimate for a deployment: times the safety factor of its provider's tokenizer family. */
    private long promptTokens(long estimate, Target target) {
        return WorstCase.prompt(estimate, WorstCase.factor(config.admission().promptFactors(), target.provider().type()));
    }

    /** The dearest of the usages on a deployment in micro-USD, or null when it has no price. */
    private Long quote(Target target, Usage[] usages, Instant now) {
        Provider provider = target.provider();
        long dearest = 0;
        for (Usage usage : usages) {
            Long micros = pricer.quote(provider.id(), provider.priceProvider(), target.upstreamModel(), usage, now)
                    .map(Cost::micros).orElse(null);
            if (micros == null) {
                return null;
            }
            dearest = Math.max(dearest, micros);
        }
        return dearest;
    }

    private Uni<Void> viaRedis(RequestContext ctx, Ticket ticket, boolean maySeed, int retries) {
        List<Check> checks = ticket.checks();
        List<String> keys = new ArrayList<>(checks.size());
        List<String> args = new ArrayList<>(3 + checks.size() * 6);
        args.add(ticket.demand().requestId());
        args.add(String.valueOf(config.admission().holdTtl().toMillis()));
        args.add(String.valueOf(checks.size()));
        for (Check check : checks) {
            keys.add(check.key());
            args.add(check.type().kind());
            args.add(String.valueOf(keys.size()));
            String[] values = check.admitArgs();
            if (check.type() == Limit.PARALLEL) {
                values[1] = String.valueOf(config.admission().slotTtl().toMillis());
            }
            for (String v : values) {
                args.add(v);
            }
            args.add(check.label());
        }
        keys.add(ticket.voidKey());
        args.add(String.valueOf(keys.size()));
        return scripts.run(RedisScripts.ADMIT, keys, args)
                .onFailure().call(failure -> {
                    redis.failed(failure);
                    // the script may have run (or run later): release what it may have reserved, never leak it
                    settlement.abandon(ticket);
                    return Uni.createFrom().voidItem();
                })
                .onItem().transformToUni(r -> {
                    redis.answered();
                    return verdict(ctx, ticket, r, maySeed, retries);
                })
                .onFailure(f -> !(f instanceof GatewayError)).recoverWithUni(f -> fallback(ctx, ticket));
    }

    private Uni<Void> verdict(RequestContext ctx, Ticket ticket, Response r, boolean maySeed, int retries) {
        String status = r.get(0).toString();
        List<Check> checks = ticket.checks();
        switch (status) {
            case "OK" -> {
                List<Long> values = new ArrayList<>(r.size());
                for (int i = 1; i < r.size(); i++) {
                    values.add(r.get(i).toLong());
                }
                RateHeaders.admitted(ctx, checks, values);
                inFlight.put(ticket);
                metrics.decision("admitted", "ok", checks.isEmpty() ? "none" : checks.get(0).scopeType());
                return ADMITTED;
            }
            case "DENY" -> {
                if (retries > 0 && r.size() > 5 && "1".equals(r.get(5).toString())) {
                    // another replica holds a lease on this limit and was asked to give it back: try again shortly
                    long wait = STARVED_WAIT_MS << (STARVED_RETRIES - retries);
                    return Uni.createFrom().<Void>emitter(e -> vertx.setTimer(wait, id -> e.complete(null)))
                            .chain(() -> viaRedis(ctx, ticket, maySeed, retries - 1));
                }
                Check check = checks.get(r.get(4).toInteger());
                metrics.decision("refused", check.type().reason(), check.scopeType());
                return Uni.createFrom().failure(Refusals.refused(ctx, check, r.get(3).toLong()));
            }
            case "SEED" -> {
                if (!maySeed) {
                    return Uni.createFrom().failure(new IllegalStateException("counters vanished right after seeding"));
                }
                List<Check> missing = new ArrayList<>();
                for (int i = 1; i < r.size(); i++) {
                    missing.add(checks.get(r.get(i).toInteger()));
                }
                return seeder.seed(missing).chain(() -> viaRedis(ctx, ticket, false, retries));
            }
            default -> {
                return Uni.createFrom().failure(new IllegalStateException("unexpected admission answer " + status));
            }
        }
    }

    /**
     * Redis is down: hard budgets refuse; rates, concurrency and token quotas use this replica's share (quotas of what
     * the ledger says remains).
     */
    private Uni<Void> fallback(RequestContext ctx, Ticket ticket) {
        List<Uni<Void>> reads = null;
        long nowNanos = System.nanoTime();
        for (Check check : ticket.checks()) {
            if (check.type() == Limit.BUDGET && check.enforced()) {
                metrics.decision("refused", "budget_unavailable", check.scopeType());
                return Uni.createFrom().failure(Refusals.unavailable(ctx, check));
            }
            if (check.type().quota() && check.enforced() && inFlight.local().quotaStale(check, nowNanos)) {
                reads = reads == null ? new ArrayList<>() : reads;
                reads.add(seeder.ledgerTotal(check).invoke(total -> inFlight.local().quotaRead(check, total, nowNanos))
                        .replaceWithVoid().onFailure().recoverWithNull());
            }
        }
        if (reads == null) {
            return locally(ctx, ticket);
        }
        return Uni.join().all(reads).andCollectFailures().chain(() -> locally(ctx, ticket));
    }

    private Uni<Void> locally(RequestContext ctx, Ticket ticket) {
        int replicas = redis.replicas();
        Check refused = inFlight.local().admit(ticket, replicas, System.currentTimeMillis() * 1000);
        if (refused != null) {
            metrics.decision("refused", refused.type().reason(), refused.scopeType());
            return Uni.createFrom().failure(Refusals.refused(ctx, refused,
                    refused.type().quota() ? inFlight.local().quotaLeft(refused, replicas) : 1_000_000));
        }
        RateHeaders.limitsOnly(ctx, ticket.checks());
        inFlight.put(ticket.asLocal());
        metrics.decision("admitted", "local_fallback", ticket.checks().isEmpty()
                ? "none"
                : ticket.checks().get(0)
                        .scopeType());
        return ADMITTED;
    }

    /**
     * Renews the concurrency slots of the requests running on this replica (every third of the slot TTL), so that a
     * slot only outlives its request by the slot TTL when this replica dies.
     */
    void renewSlots() {
        String ttl = String.valueOf(config.admission().slotTtl().toMillis());
        List<RedisScripts.Invocation> renewals = new ArrayList<>();
        inFlight.forEach((requestId, ticket) -> {
            if (ticket.local()) {
                return;
            }
            List<String> keys = new ArrayList<>(1);
            List<String> args = new ArrayList<>(2);
            args.add(ttl);
            for (Check check : ticket.checks()) {
                if (check.type() == Limit.PARALLEL) {
                    keys.add(check.key());
                    args.add(requestId);
                }
            }
            if (!keys.isEmpty()) {
                renewals.add(new Renewal(keys, args));
            }
        });
        if (renewals.isEmpty() || !redis.up()) {
            return;
        }
        scripts.runAll(RedisScripts.RENEW, renewals).subscribe().with(ok -> {
        }, failure -> Log.debugf("Concurrency slots not renewed this round: %s", failure.getMessage()));
    }

    /** One renewal call: an organization's slot keys and the request ids. */
    private record Renewal(List<String> keys, List<String> args) implements RedisScripts.Invocation {
    }

    void onStart(@Observes StartupEvent event) {
        if (config.admission().enabled()) {
            long every = Math.max(1000, config.admission().slotTtl().toMillis() / 3);
            renewTimer = vertx.setPeriodic(every, every, id -> renewSlots());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(renewTimer);
    }

    /** Releases what a request reserved when it fails before its usage is recorded; a no-op after that. */
    public void release(String requestId) {
        settlement.release(requestId);
    }

    private ZoneId zone() {
        if (zone == null) {
            zone = ZoneId.of(config.admission().timezone());
        }
        return zone;
    }
}
