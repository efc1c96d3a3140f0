package dev.tokenledger.usage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A usage record made durable: where, and when its ledger row reaches PostgreSQL.
 *
 * @param transaction the id ({@code pg_current_xact_id()}) of the transaction that wrote the row, 0 when not known: the
 *        row is in this replica's write-ahead log or spool and reaches the ledger when its batch is written (see
 *        {@code committed}) or the spool is replayed, or its insert found part of its batch written already. A later
 *        read of the ledger includes the row exactly when that transaction is visible to the read's snapshot.
 * @param committed completes once the row's insert has committed, with that transaction's id (0 when not known: the
 *        row went to the spool for a later replay, or was there already); completed at once for a row written before
 *        this record was made
 */
public record Durability(long transaction, CompletionStage<Long> committed) {

    /** Forced to the local spool: no transaction of the ledger has written it yet. */
    public static final Durability SPOOLED = written(0);

    /** Written to the ledger by transaction (0: not known). */
    public static Durability written(long transaction) {
        return new Durability(transaction, CompletableFuture.completedFuture(transaction));
    }

    /** Forced to the local write-ahead log; committed completes when its batch is in the ledger. */
    public static Durability logged(CompletionStage<Long> committed) {
        return new Durability(0, committed);
    }
}
