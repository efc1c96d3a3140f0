package dev.tokenledger.usage;

/**
 * A usage record made durable, and by which PostgreSQL transaction its ledger row was committed.
 *
 * @param transaction the id ({@code pg_current_xact_id()}) of the transaction that wrote the row, 0 when not known: the
 *        row was forced to this replica's local spool because the database could not take it (it reaches the ledger
 *        when the spool is replayed), or its insert found part of its batch written already. A later read of the
 *        ledger includes the row exactly when that transaction is visible to the read's snapshot.
 */
public record Durability(long transaction) {

    /** Forced to the local spool: no transaction of the ledger has written it yet. */
    public static final Durability SPOOLED = new Durability(0);
}
