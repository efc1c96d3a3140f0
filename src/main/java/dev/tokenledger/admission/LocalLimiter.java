package dev.tokenledger.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fallback while Redis is down: each replica enforces request and token rates and concurrency at its share of
 * the global limit (limit ÷ live replicas), with the same GCRA as the shared limiter. Quotas and soft budgets are not
 * enforced here (the ledger charges them); hard budgets never reach it, they refuse.
 */
final class LocalLimiter {

    private final Map<String, long[]> tats = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** The first check this replica's share refuses, or null when all pass (and are then reserved). */
    synchronized Check admit(Ticket ticket, int replicas, long nowUs) {
        for (Check check : ticket.checks()) {
            if (refuses(check, replicas, nowUs)) {
                return check;
            }
        }
        for (Check check : ticket.checks()) {
            switch (check.type()) {
                case RPM, TPM -> {
                    long[] tat = tats.computeIfAbsent(check.key(), k -> new long[1]);
                    tat[0] = Math.max(tat[0], nowUs) + (long) (check.intervalUs() * replicas * check.amount());
                }
                case PARALLEL -> inFlight.computeIfAbsent(check.key(), k -> new AtomicInteger()).incrementAndGet();
                default -> {
                }
            }
        }
        return null;
    }

    private boolean refuses(Check check, int replicas, long nowUs) {
        return switch (check.type()) {
            case RPM, TPM -> {
                long[] tat = tats.get(check.key());
                long start = tat == null ? nowUs : Math.max(tat[0], nowUs);
                long next = start + (long) (check.intervalUs() * replicas * check.amount());
                yield nowUs < next - Check.MINUTE_US;
            }
            case PARALLEL -> {
                AtomicInteger n = inFlight.get(check.key());
                yield n != null && n.get() >= Math.max(1, check.limit() / replicas);
            }
            default -> false;
        };
    }

    void release(Ticket ticket) {
        for (Check check : ticket.checks()) {
            if (check.type() == Limit.PARALLEL) {
                AtomicInteger n = inFlight.get(check.key());
                if (n != null) {
                    n.decrementAndGet();
                }
            }
        }
    }
}
