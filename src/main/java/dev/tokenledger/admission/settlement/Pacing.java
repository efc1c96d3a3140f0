package dev.tokenledger.admission.settlement;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.UpstreamLimits;
import dev.tokenledger.config.AdmissionConfig;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.usage.UsageRecord;

/**
 * The deployments this replica knows to be paced (they answered 429, or said through their rate-limit headers that
 * they are nearly exhausted, recently), so that requests of principals without limits of their own still pass the
 * shared pace, and the learned rates for the metrics. The rate itself lives in Redis and is shared by every replica.
 */
@ApplicationScoped
public class Pacing {

    private final AdmissionMetrics metrics;
    private final GatewayConfig config;
    private final dev.tokenledger.config.ConfiguredModels configured;

    @Inject
    public Pacing(AdmissionMetrics metrics, GatewayConfig config, dev.tokenledger.config.ConfiguredModels configured) {
        this.metrics = metrics;
        this.config = config;
        this.configured = configured;
    }

    private final Map<String, Long> rates = new ConcurrentHashMap<>();
    private double headerThreshold;

    @PostConstruct
    void init() {
        check(config.admission().adaptive());
        headerThreshold = config.admission().adaptive().headerThreshold().doubleValue();
    }

    /** Refuses adaptive settings that cannot work, naming the property, so that a replica does not start with them. */
    public static void check(AdmissionConfig.Adaptive adaptive) {
        String prefix = "tokenledger.admission.adaptive.";
        within(prefix + "decrease", adaptive.decrease(), false, false, "between 0 and 1, exclusive");
        within(prefix + "header-threshold", adaptive.headerThreshold(), true, true, "between 0 and 1");
        if (adaptive.increase().signum() < 0) {
            throw new IllegalStateException(prefix + "increase must not be negative (got " + adaptive.increase() + ")");
        }
        if (adaptive.minRate().signum() <= 0 || adaptive.initialRate().signum() <= 0) {
            throw new IllegalStateException(prefix + "min-rate and initial-rate must be positive (got "
                    + adaptive.minRate() + " and " + adaptive.initialRate() + ")");
        }
        if (adaptive.forgetAfter().isNegative() || adaptive.forgetAfter().isZero()) {
            throw new IllegalStateException(prefix + "forget-after must be positive (got " + adaptive.forgetAfter() + ")");
        }
    }

    private static void within(String property, java.math.BigDecimal value, boolean zero, boolean one, String range) {
        int low = value.signum();
        int high = value.compareTo(java.math.BigDecimal.ONE);
        if (low < 0 || low == 0 && !zero || high > 0 || high == 0 && !one) {
            throw new IllegalStateException(property + " must be " + range + " (got " + value + ")");
        }
    }

    public boolean paced(String deployment) {
        return rates.getOrDefault(deployment, 0L) > 0;
    }

    /**
     * The deployment ({@code provider/model}) whose pace a request's outcome must cut: the one that answered, when it
     * answered 429 or its rate-limit headers say it is nearly exhausted; null otherwise, which costs nothing.
     */
    public String signalled(UsageRecord record) {
        boolean throttled = record.errorKind() == ErrorKind.UPSTREAM_RATE_LIMITED;
        UpstreamLimits limits = record.upstreamLimits();
        boolean exhausted = !throttled && limits != null && limits.nearlyExhausted(headerThreshold);
        if (!throttled && !exhausted || record.providerId() == null || !config.admission().enabled()
                || !config.admission().adaptive().enabled()) {
            return null;
        }
        String deployment = configured.stateKey(record.providerId(), record.upstreamModel());
        if (exhausted) {
            metrics.headerSignal(deployment);
            if (Log.isDebugEnabled()) {
                Log.debugf("Deployment %s is nearly exhausted: %d of %d requests left (reset in %d ms), %d of %d tokens "
                        + "left (reset in %d ms)", deployment, limits.requestsRemaining(), limits.requestsLimit(),
                        limits.requestsResetMs(), limits.tokensRemaining(), limits.tokensLimit(), limits.tokensResetMs());
            }
        }
        return deployment;
    }

    /** The rate Redis answered for a deployment, milli-requests per second (0: not paced). */
    public void learned(String deployment, long milliRps) {
        Long previous = milliRps > 0 ? rates.put(deployment, milliRps) : rates.remove(deployment);
        if (previous == null || previous != milliRps) {
            metrics.learnedRate(deployment, milliRps);
        }
    }
}
