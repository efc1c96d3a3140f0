package dev.tokenledger.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.json.Json;

/**
 * The quarantine of ledger rows PostgreSQL refuses: each goes to {@code ledger_dead_letter} whole (as JSON text, with
 * the database's reason), is counted in {@code tokenledger.ledger.dead.letters} and logged once, so that the rest of
 * its batch (or of the spool) commits. A row quarantined again (a replay of the same spool) is stored once.
 */
@ApplicationScoped
public class DeadLetters {

    private static final String INSERT = "INSERT INTO ledger_dead_letter (row_hash, request_id, sqlstate, reason, row_json) "
            + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (row_hash) DO NOTHING RETURNING id";

    private final Pool pool;
    private final Counter quarantined;

    @Inject
    public DeadLetters(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        this.quarantined = Counter.builder("tokenledger.ledger.dead.letters")
                .description("Ledger rows PostgreSQL refused, quarantined in ledger_dead_letter (alert on any increase)")
                .register(registry);
    }

    /**
     * Quarantines one refused row. Fails only when the database cannot take it either (the row then waits in the
     * spool like any other); a row that cannot even be quarantined is logged whole and dropped from the writer's way.
     */
    Uni<Void> quarantine(LedgerRow row, Throwable refusal) {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            Log.errorf("LEDGER ROW LOST: row %s refused by PostgreSQL (%s) cannot be serialised: %s",
                    ClientText.forLog(row.requestId()), ClientText.forLog(refusal.getMessage()), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        String sqlState = refusal instanceof PgException pg ? pg.getSqlState() : null;
        String reason = printable(refusal.getMessage(), 1000);
        String requestId = printable(row.requestId(), 200);
        return pool.preparedQuery(INSERT).execute(Tuple.of(sha256(json), requestId, sqlState, reason, json))
                .map(rows -> rows.iterator().hasNext())
                .invoke(stored -> {
                    if (stored) {
                        quarantined.increment();
                        Log.errorf("Ledger row %s refused by PostgreSQL (%s %s): quarantined in ledger_dead_letter, "
                                + "the rest of its batch is written", requestId, sqlState, reason);
                    }
                })
                .onFailure(LedgerInserts::refused).recoverWithItem(failure -> {
                    Log.errorf("LEDGER ROW LOST: row %s refused by PostgreSQL (%s) and by its quarantine (%s): %s",
                            requestId, reason, ClientText.forLog(failure.getMessage()), ClientText.forLog(json));
                    return false;
                })
                .replaceWithVoid();
    }

    /** Escaped for a text column and a log line: no control characters, bounded. */
    private static String printable(String text, int max) {
        String escaped = ClientText.forLog(text);
        return escaped.length() > max ? escaped.substring(0, max) : escaped;
    }

    private static String sha256(String json) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
