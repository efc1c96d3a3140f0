package dev.tokenledger.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What this replica has seen of each deployment: requests in flight, a moving average of the time to the first token
 * (the whole answer for non-streaming requests) and the outcomes of the recent attempts. Local by design: the
 * strategies that use it want this replica's own view, and it changes on every request.
 */
@ApplicationScoped
public class DeploymentStats {

    /** Weight of the newest sample in the moving average. */
    static final double SMOOTHING = 0.3;
    /** Attempts remembered for the recent error rate. */
    static final int WINDOW = 100;

    private final Map<String, Stats> byId = new ConcurrentHashMap<>();

    public Stats of(String deploymentId) {
        return byId.computeIfAbsent(deploymentId, id -> new Stats());
    }

    /** Statistics of one deployment. Thread-safe. */
    public static final class Stats {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final boolean[] failures = new boolean[WINDOW];
        private int next;
        private int recorded;
        private double latencyMillis = -1;

        public int inFlight() {
            return inFlight.get();
        }

        void started() {
            inFlight.incrementAndGet();
        }

        void finished() {
            inFlight.decrementAndGet();
        }

        /** Records one attempt's outcome; a success also feeds its time to first token into the average. */
        synchronized void outcome(boolean failed, long firstTokenNanos) {
            failures[next] = failed;
            next = (next + 1) % WINDOW;
            recorded = Math.min(WINDOW, recorded + 1);
            if (!failed && firstTokenNanos >= 0) {
                double ms = firstTokenNanos / 1_000_000.0;
                latencyMillis = latencyMillis < 0 ? ms : SMOOTHING * ms + (1 - SMOOTHING) * latencyMillis;
            }
        }

        /** Moving average of the time to first token in milliseconds, or -1 before the first success. */
        public synchronized double latencyMillis() {
            return latencyMillis;
        }

        /** Share of the last {@value #WINDOW} attempts that failed; 0 before any. */
        public synchronized double errorRate() {
            if (recorded == 0) {
                return 0;
            }
            int failed = 0;
            for (int i = 0; i < recorded; i++) {
                failed += failures[i] ? 1 : 0;
            }
            return (double) failed / recorded;
        }
    }
}
