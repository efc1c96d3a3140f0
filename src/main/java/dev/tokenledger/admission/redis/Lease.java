package dev.tokenledger.admission.redis;

import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Limit;

/** One lease of one limit; every field is guarded by {@link CapacityLeases}' lock. */
final class Lease {
    final String key;
    final String tag;
    final String id;
    final Check check;
    final boolean rate;
    /** Rates: units leased. Quotas and budgets: the amount Redis holds for this lease. */
    long granted;
    /** Rates: units used (tokens corrected by settlements). */
    long consumed;
    /** Quotas and budgets: held by running requests, and used but not posted yet. */
    long inFlight;
    long used;
    /** The last grant, and when it came (nanoTime): a lease used up fast asks for twice as much next time. */
    long lastGrant;
    long lastGrantAt = System.nanoTime();
    long lastUse = System.nanoTime();
    long lastCall = System.nanoTime();
    long closedAt;
    boolean pending;
    /** Asked for by a starving replica: given back at once. */
    boolean returning;
    boolean closing;

    Lease(Check check, String tag, String id) {
        this.key = check.key();
        this.tag = tag;
        this.id = id;
        this.check = check;
        this.rate = check.type() == Limit.RPM || check.type() == Limit.TPM;
    }

    long available() {
        return rate ? granted - consumed : granted - inFlight - used;
    }

    boolean empty() {
        return rate ? granted == 0 : granted == 0 && used == 0 && inFlight == 0;
    }

    /** Whether a check can be served from a lease (concurrency and alerting budgets are checked per request). */
    static boolean leasable(Check check) {
        return switch (check.type()) {
            case RPM, TPM, DAILY_TOKENS, MONTHLY_TOKENS, PACE -> true;
            case BUDGET -> check.softMicros() == 0;
            default -> false;
        };
    }
}
