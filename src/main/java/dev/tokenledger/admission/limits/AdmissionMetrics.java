package dev.tokenledger.admission.limits;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.tokenledger.admission.Admission;

/**
 * Admission metrics: decisions by outcome, reason and scope type; remaining budget per scope; holds in flight; learned
 * upstream rates; soft-budget alerts; Redis latency and state.
 */
@ApplicationScoped
public class AdmissionMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    /** Budget scopes with gauges of their own at most (tokenledger.metrics.max-label-values). */
    private final int maxScopes;
    private final java.util.Set<String> budgetScopes = ConcurrentHashMap.newKeySet();

    @Inject
    public AdmissionMetrics(MeterRegistry registry, dev.tokenledger.config.GatewayConfig config) {
        this.registry = registry;
        this.maxScopes = config.metrics().maxLabelValues();
    }

    /** Registers a gauge read from the given source, e.g. the holds in flight. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** An admission decision: {@code admitted} or {@code refused}, with the reason and the scope type that decided. */
    public void decision(String outcome, String reason, String scopeType) {
        counters.computeIfAbsent("d:" + outcome + reason + scopeType, k -> Counter.builder("tokenledger.admission.decisions")
                .description("Admission decisions by outcome, reason (policy_rate_limit, policy_quota, policy_budget, "
                        + "policy_parallel, adaptive, budget_unavailable, ok, local_fallback) and scope type")
                .tags("outcome", outcome, "reason", reason, "scope_type", scopeType)
                .register(registry)).increment();
    }

    /**
     * A request under a budget settled without a price: {@code fallback} when charged at the fallback prices,
     * {@code zero} when charged nothing. An alert on {@code zero} says budgets are counting less than was spent.
     */
    public void unpricedCharged(String policy) {
        Counter counter = counters.computeIfAbsent("u:" + policy, k -> Counter.builder("tokenledger.budget.unpriced")
                .description("Unpriced requests settled against budgets, by how they were charged (fallback, zero)")
                .tags("charged", policy).register(registry));
        counter.increment();
        if (counter.count() == 1) {
            io.quarkus.logging.Log.warnf("A request without a price was settled against a budget, charged %s "
                    + "(tokenledger.admission.unpriced); tokenledger_budget_unpriced_total counts them", policy);
        }
    }

    public void alert(String scopeType) {
        counters.computeIfAbsent("a:" + scopeType, k -> Counter.builder("tokenledger.budget.alerts")
                .description("Soft budget thresholds crossed")
                .tags("scope_type", scopeType)
                .register(registry)).increment();
    }

    /**
     * An orphaned request (its holds expired unsettled) reconciled: {@code posted} when its ledger row was found and its
     * use posted, {@code unanswered} when it has no row (it was never answered, so nothing was used).
     */
    public void orphan(String outcome, int count) {
        counters.computeIfAbsent("o:" + outcome, k -> Counter.builder("tokenledger.admission.orphans")
                .description("Requests whose holds expired unsettled, reconciled against the ledger")
                .tags("outcome", outcome)
                .register(registry)).increment(count);
    }

    /** A budget's or token quota's Redis counter minus the ledger's total for its window (micro-USD or tokens). */
    public void drift(String scope, String limit, long difference) {
        gauges.computeIfAbsent("tokenledger.limit.drift|" + scope + "|" + limit, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("tokenledger.limit.drift", holder, AtomicLong::doubleValue)
                    .description("Redis counter minus the ledger's total for the current window (micro-USD for "
                            + "budgets, tokens for quotas)")
                    .tags("scope", scope, "limit", limit).register(registry);
            return holder;
        }).set(difference);
    }

    /** A drift beyond the tolerance seen in two rounds running. */
    public void driftAlert(String scopeType, String limit) {
        counters.computeIfAbsent("drift:" + scopeType + limit, k -> Counter.builder("tokenledger.limit.drift.alerts")
                .description("Budgets and quotas whose Redis counter differed from the ledger beyond the tolerance in "
                        + "two drift checks running")
                .tags("scope_type", scopeType, "limit", limit)
                .register(registry)).increment();
    }

    /**
     * A scope's budget and what remains of it in the current window, micro-USD. Scopes past
     * {@code tokenledger.metrics.max-label-values} get no gauges (the admin API shows every scope).
     */
    public void budget(String scope, long limitMicros, long remainingMicros) {
        if (!budgetScopes.contains(scope)) {
            synchronized (budgetScopes) {
                if (!budgetScopes.contains(scope) && budgetScopes.size() >= maxScopes) {
                    return;
                }
                budgetScopes.add(scope);
            }
        }
        gaugeValue("tokenledger.budget.remaining.micros", "Budget left in the current window, micro-USD", "scope", scope, 1)
                .set(remainingMicros);
        gaugeValue("tokenledger.budget.limit.micros", "Budget of the current window, micro-USD", "scope", scope, 1)
                .set(limitMicros);
    }

    /** The admission rate learned for an upstream deployment, milli-requests per second (0: not paced). */
    public void learnedRate(String deployment, long milliRps) {
        gaugeValue("tokenledger.adaptive.rate", "Requests per second the gateway admits toward a deployment that "
                + "answered 429 or said it is nearly exhausted (0: not paced)", "deployment", deployment, 1000)
                .set(milliRps);
    }

    /** An upstream deployment's rate-limit headers said it is nearly exhausted. */
    public void headerSignal(String deployment) {
        counters.computeIfAbsent("h:" + deployment, k -> Counter.builder("tokenledger.adaptive.header.signals")
                .description("Answers whose rate-limit headers said the deployment is nearly exhausted (each cuts "
                        + "its learned rate, at most once per second)")
                .tags("deployment", deployment)
                .register(registry)).increment();
    }

    public void redisLatency(String operation, long nanos, Throwable failure) {
        String outcome = failure == null ? "ok" : "error";
        timers.computeIfAbsent(operation + outcome, k -> Timer.builder("tokenledger.redis.latency")
                .description("Redis admission calls")
                .tags("operation", operation, "outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(20_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry)).record(Duration.ofNanos(nanos));
    }

    private AtomicLong gaugeValue(String name, String description, String tag, String value, int divisor) {
        return gauges.computeIfAbsent(name + "|" + value, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(name, holder, h -> h.doubleValue() / divisor).description(description).tags(tag, value)
                    .register(registry);
            return holder;
        });
    }
}
