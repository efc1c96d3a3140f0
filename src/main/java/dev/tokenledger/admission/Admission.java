package dev.tokenledger.admission;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.gateway.RequestContext;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.routing.Failover;
import dev.tokenledger.routing.Route;
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

    @Inject
    LimitStore store;

    @Inject
    RedisScripts scripts;

    @Inject
    RedisState redis;

    @Inject
    Seeder seeder;

    @Inject
    Pacing pacing;

    @Inject
    TokenEstimator estimator;

    @Inject
    Pricer pricer;

    @Inject
    UnpricedCharges unpricedCharges;

    @Inject
    AdmissionMetrics metrics;

    @Inject
    GatewayConfig config;

    @Inject
    Settlement settlement;

    @Inject
    Failover failover;

    private final Map<String, Ticket> inflight = new ConcurrentHashMap<>();
    private final LocalLimiter local = new LocalLimiter();
    private volatile ZoneId zone;

    /**
     * Admits a chat request: prompt estimate plus its output cap (or the configured default). Its budget hold is the
     * worst case over every deployment the route may use, fallbacks included.
     */
    public Uni<Void> admitChat(RequestContext ctx, ChatRequest request, Route route) {
        if (!config.admission().enabled()) {
            return ADMITTED;
        }
        long maxOut = request.maxTokens() != null && request.maxTokens() > 0
                ? request.maxTokens()
                : config.admission().defaultMaxOutputTokens();
        return admit(ctx, route.primary(), () -> failover.reachable(route), request.model(),
                () -> estimator.promptTokens(request), maxOut);
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
        String deployment = primary.provider().id() + "/" + primary.upstreamModel();
        boolean adaptive = config.admission().adaptive().enabled();
        if (scopes.isEmpty() && !(adaptive && pacing.paced(deployment))) {
            return ADMITTED;
        }
        long promptTokens = prompt.getAsLong();
        Instant now = Instant.now();
        // the worst case is only priced (over every reachable deployment) when some scope has a budget to hold it
        Long worst = null;
        String unpriced = null;
        if (Plans.budgeted(scopes, model)) {
            Usage worstUsage = new Usage(promptTokens, 0, 0, maxOut, 0, Usage.Source.ESTIMATED);
            worst = 0L;
            for (Target target : targets.get()) {
                Provider provider = target.provider();
                Long quote = pricer.quote(provider.id(), provider.priceProvider(), target.upstreamModel(), worstUsage,
                        now).map(Cost::micros).orElse(null);
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
        return viaRedis(ctx, ticket, true);
    }

    private Uni<Void> viaRedis(RequestContext ctx, Ticket ticket, boolean maySeed) {
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
            for (String v : check.admitArgs()) {
                args.add(v);
            }
            args.add(check.label());
        }
        return scripts.run(RedisScripts.ADMIT, keys, args)
                .onFailure().call(failure -> {
                    redis.failed(failure);
                    return Uni.createFrom().voidItem();
                })
                .onItem().transformToUni(r -> {
                    redis.answered();
                    return verdict(ctx, ticket, r, maySeed);
                })
                .onFailure(f -> !(f instanceof GatewayError)).recoverWithUni(f -> fallback(ctx, ticket));
    }

    private Uni<Void> verdict(RequestContext ctx, Ticket ticket, Response r, boolean maySeed) {
        String status = r.get(0).toString();
        List<Check> checks = ticket.checks();
        switch (status) {
            case "OK" -> {
                List<Long> values = new ArrayList<>(r.size());
                for (int i = 1; i < r.size(); i++) {
                    values.add(r.get(i).toLong());
                }
                RateHeaders.admitted(ctx, checks, values);
                inflight.put(ticket.demand().requestId(), ticket);
                metrics.decision("admitted", "ok", checks.isEmpty() ? "none" : checks.get(0).scopeType());
                return ADMITTED;
            }
            case "DENY" -> {
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
                return seeder.seed(missing).chain(() -> viaRedis(ctx, ticket, false));
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
            if (check.type().quota() && check.enforced() && local.quotaStale(check, nowNanos)) {
                reads = reads == null ? new ArrayList<>() : reads;
                reads.add(seeder.ledgerTotal(check).invoke(total -> local.quotaRead(check, total, nowNanos))
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
        Check refused = local.admit(ticket, replicas, System.currentTimeMillis() * 1000);
        if (refused != null) {
            metrics.decision("refused", refused.type().reason(), refused.scopeType());
            return Uni.createFrom().failure(Refusals.refused(ctx, refused,
                    refused.type().quota() ? local.quotaLeft(refused, replicas) : 1_000_000));
        }
        RateHeaders.limitsOnly(ctx, ticket.checks());
        inflight.put(ticket.demand().requestId(), ticket.asLocal());
        metrics.decision("admitted", "local_fallback", ticket.checks().isEmpty()
                ? "none"
                : ticket.checks().get(0)
                        .scopeType());
        return ADMITTED;
    }

    /** Releases what a request reserved when it fails before its usage is recorded; a no-op after that. */
    public void release(String requestId) {
        settlement.release(requestId);
    }

    /** The reservation of a request, removed: its settlement is the caller's. */
    Ticket take(String requestId) {
        Ticket ticket = inflight.remove(requestId);
        if (ticket != null && ticket.local()) {
            local.release(ticket);
        }
        return ticket;
    }

    /** Requests admitted and not settled yet on this replica. */
    int inFlight() {
        return inflight.size();
    }

    private ZoneId zone() {
        if (zone == null) {
            zone = ZoneId.of(config.admission().timezone());
        }
        return zone;
    }
}
