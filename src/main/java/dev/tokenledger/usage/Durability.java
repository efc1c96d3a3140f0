package dev.tokenledger.usage;

/** Where a request's usage record became durable. */
public enum Durability {
    /** Committed to the ledger database: any later read of the ledger (a counter re-seeded from it) includes it. */
    DATABASE,
    /**
     * Forced to this replica's local spool because the database could not take it; it reaches the ledger when the
     * spool is replayed.
     */
    SPOOL
}
