package dev.tokenledger.usage;

/**
 * Where a request's usage record became durable: committed to the ledger database (and by which PostgreSQL
 * transaction, when that is known), or forced to this replica's local spool because the database could not take it
 * (it reaches the ledger when the spool is replayed).
 *
 * @param inDatabase whether the row is committed to the ledger database
 * @param transaction the id ({@code pg_current_xact_id()}) of the transaction that wrote the row, 0 when not known: a
 *        later read of the ledger includes the row exactly when that transaction is visible to the read's snapshot
 */
public record Durability(boolean inDatabase, long transaction) {

    public static final Durability SPOOL = new Durability(false, 0);

    public static Durability database(long transaction) {
        return new Durability(true, transaction);
    }
}
