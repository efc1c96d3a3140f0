package dev.tokenledger.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The deployments this replica knows to be paced (they answered 429 recently), so that requests of principals without
 * limits of their own still pass the shared pace, and the learned rates for the metrics. The rate itself lives in
 * Redis and is shared by every replica.
 */
@ApplicationScoped
public class Pacing {

    @Inject
    AdmissionMetrics metrics;

    private final Map<String, Long> rates = new ConcurrentHashMap<>();

    public boolean paced(String deployment) {
        return rates.getOrDefault(deployment, 0L) > 0;
    }

    /** The rate Redis answered for a deployment, milli-requests per second (0: not paced). */
    void learned(String deployment, long milliRps) {
        Long previous = milliRps > 0 ? rates.put(deployment, milliRps) : rates.remove(deployment);
        if (previous == null || previous != milliRps) {
            metrics.learnedRate(deployment, milliRps);
        }
    }
}
