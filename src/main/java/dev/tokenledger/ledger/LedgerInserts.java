package dev.tokenledger.ledger;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Inserts ledger rows so that one bad row cannot hold the others: a batch PostgreSQL refuses because of its data is
 * split in halves until the refused row stands alone, which goes to the {@link DeadLetters} quarantine; every other
 * row commits. Failures that are not about the rows (the database unreachable, a timeout) fail the insert, and the
 * caller spools or retries; since the insert skips request ids already written, rows of halves that committed before
 * such a failure are not written twice.
 */
@ApplicationScoped
public class LedgerInserts {

    static final Duration INSERT_TIMEOUT = Duration.ofSeconds(2);

    private final Pool pool;
    private final DeadLetters deadLetters;

    @Inject
    public LedgerInserts(Pool pool, DeadLetters deadLetters) {
        this.pool = pool;
        this.deadLetters = deadLetters;
    }

    /**
     * Inserts rows, skipping request ids already written, and quarantines the rows PostgreSQL refuses.
     *
     * @return per row, the id of the transaction that wrote it, or 0 when not known (it was there already, was written
     *         with rows that were, or was quarantined)
     */
    public Uni<long[]> insert(List<LedgerRow> rows) {
        return insert(rows, null);
    }

    /**
     * As {@link #insert(List)}, with the statement's parameters laid out already ({@link LedgerRow#columns}, null: not
     * yet), so that a caller off the event loop does that work there and the loop only sends.
     */
    Uni<long[]> insert(List<LedgerRow> rows, Tuple columns) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(new long[0]);
        }
        return statement(rows, columns == null ? LedgerRow.columns(rows) : columns).map(transaction -> {
            long[] each = new long[rows.size()];
            Arrays.fill(each, transaction);
            return each;
        }).onFailure(LedgerInserts::refused).recoverWithUni(refusal -> {
            if (rows.size() == 1) {
                return deadLetters.quarantine(rows.get(0), refusal).replaceWith(new long[1]);
            }
            int half = rows.size() / 2;
            return insert(rows.subList(0, half))
                    .flatMap(first -> insert(rows.subList(half, rows.size())).map(second -> concat(first, second)));
        });
    }

    /**
     * Whether PostgreSQL refused the statement because of the values it carries (data exceptions, constraint
     * violations, values past a limit such as an index row's size), not because of its own state.
     */
    static boolean refused(Throwable failure) {
        if (!(failure instanceof PgException pg) || pg.getSqlState() == null) {
            return false;
        }
        String state = pg.getSqlState();
        return state.startsWith("22") || state.startsWith("23") || state.equals("54000");
    }

    /** One statement for the batch: the id of the transaction that wrote every row, 0 when some were there already. */
    private Uni<Long> statement(List<LedgerRow> rows, Tuple columns) {
        // a database that stops answering must not hold rows hostage: after the timeout they go to the spool, and a
        // late commit of the same rows is harmless because the replay's insert ignores request ids already written
        return pool.preparedQuery(LedgerRow.INSERT).execute(columns).map(result -> {
            Row row = result.iterator().next();
            String transaction = row.getString("transaction");
            return transaction != null && row.getLong("written") == rows.size() ? Long.parseLong(transaction) : 0L;
        }).ifNoItem().after(INSERT_TIMEOUT).failWith(() -> new IllegalStateException("ledger insert timed out"));
    }

    private static long[] concat(long[] a, long[] b) {
        long[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
