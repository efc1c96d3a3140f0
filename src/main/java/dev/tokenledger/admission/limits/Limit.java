package dev.tokenledger.admission.limits;

/** One kind of limit, and how the admission script checks it. */
public enum Limit {
    /** Requests per minute (GCRA). */
    RPM('g', "policy_rate_limit"),
    /** Tokens per minute (GCRA, cost = reserved tokens). */
    TPM('g', "policy_rate_limit"),
    /** Requests in flight. */
    PARALLEL('c', "policy_parallel"),
    /** Tokens per calendar day. */
    DAILY_TOKENS('q', "policy_quota"),
    /** Tokens per calendar month. */
    MONTHLY_TOKENS('q', "policy_quota"),
    /** Money per budget window, micro-USD. */
    BUDGET('b', "policy_budget"),
    /** Requests per second toward an upstream deployment that answered 429 or said it is nearly exhausted. */
    PACE('p', "adaptive");

    private final char kind;
    private final String reason;

    Limit(char kind, String reason) {
        this.kind = kind;
        this.reason = reason;
    }

    /** The check kind of the admission script. */
    public String kind() {
        return String.valueOf(kind);
    }

    /** The refusal reason in metrics. */
    public String reason() {
        return reason;
    }

    /** Whether this is a token quota (daily or monthly). */
    public boolean quota() {
        return kind == 'q';
    }

    /** Whether a Redis counter of this limit is seeded from the ledger. */
    public boolean counted() {
        return kind == 'q' || kind == 'b';
    }
}
