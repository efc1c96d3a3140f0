package dev.tokenledger.admission.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fallback while Redis is down: each replica enforces request and token rates and concurrency at its share of
 * the global limit (limit ÷ live replicas), with the same GCRA as the shared limiter, and token quotas at its share of
 * what the ledger says remains of them (read again every {@link #QUOTA_REFRESH_NANOS}; what this replica reserved
 * since counts against its share). Soft budgets are not enforced here (the ledger charges them); hard budgets never
 * reach it, they refuse.
 */
public final class LocalLimiter {

    /** How long a quota's ledger total serves before it is read again. */
    public static final long QUOTA_REFRESH_NANOS = 5_000_000_000L;

    private final Map<String, long[]> tats = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    /** Per quota key: the ledger's total, when it was read (nanoTime), and the tokens this replica reserved since. */
    private final Map<String, long[]> quotas = new ConcurrentHashMap<>();

    /** Whether a token quota's ledger total must be read (again) before this replica decides on it. */
    public boolean quotaStale(Check check, long nowNanos) {
        long[] quota = quotas.get(check.key());
        return quota == null || nowNanos - quota[1] > QUOTA_REFRESH_NANOS;
    }

    /** A token quota's total as the ledger has it now; reservations made before it are in it or about to be. */
    public synchronized void quotaRead(Check check, long ledgerTotal, long nowNanos) {
        quotas.put(check.key(), new long[]{ledgerTotal, nowNanos, 0});
    }

    /** What is left of this replica's share of a token quota. */
    public long quotaLeft(Check check, int replicas) {
        long[] quota = quotas.get(check.key());
        return quota == null ? check.limit() : (check.limit() - quota[0]) / replicas - quota[2];
    }

    /** The first check this replica's share refuses, or null when all pass (and are then reserved). */
    public synchronized Check admit(Ticket ticket, int replicas, long nowUs) {
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
                case DAILY_TOKENS, MONTHLY_TOKENS -> {
                    long[] quota = quotas.get(check.key());
                    if (quota != null) {
                        quota[2] += check.amount();
                    }
                }
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
            case DAILY_TOKENS, MONTHLY_TOKENS -> {
                // unknown (the ledger could not be read either): admitted, and charged by the ledger
                long[] quota = quotas.get(check.key());
                yield check.enforced() && quota != null && quota[2] + check.amount() > (check.limit() - quota[0]) / replicas;
            }
            default -> false;
        };
    }

    public void release(Ticket ticket) {
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
