package dev.tokenledger.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.json.Json;
import dev.tokenledger.usage.ProvisionalUsage;
import dev.tokenledger.usage.UsageRecord;

/**
 * Provisional ledger rows of streams in flight ({@code usage_provisional}). A stream's row is written when its first
 * content leaves, at the worst case its hold reserved (prompt estimate plus output cap, priced at the deployment that
 * answers), and touched by its replica while the stream runs. When the stream's own row reaches the ledger the
 * provisional one is dropped. A provisional row left untouched for {@code tokenledger.ledger.provisional-stale-after}
 * belongs to a replica that died mid-stream: every replica's sweep writes it to the ledger as it is (status
 * {@code interrupted}, usage source {@code estimated}), with the ledger's idempotent insert, so a stream is billed once
 * whichever row comes first.
 */
@ApplicationScoped
public class ProvisionalRows implements ProvisionalUsage {

    static final String INTERRUPTED = "interrupted";
    private static final int BATCH = 500;
    private static final String OPEN = "INSERT INTO usage_provisional (request_id, ledger_row) "
            + "VALUES ($1, CAST($2::text AS jsonb)) ON CONFLICT (request_id) DO NOTHING";
    private static final String TOUCH = "UPDATE usage_provisional SET touched_at = now() WHERE request_id = ANY($1)";
    private static final String FINISHED = "DELETE FROM usage_provisional p USING usage_event e "
            + "WHERE e.request_id = p.request_id";
    private static final String STALE = "SELECT request_id, ledger_row::text AS ledger_row FROM usage_provisional "
            + "WHERE touched_at < now() - make_interval(secs => $1) ORDER BY touched_at LIMIT " + BATCH;
    private static final String DROP = "DELETE FROM usage_provisional WHERE request_id = ANY($1)";

    private final Pool pool;
    private final Vertx vertx;
    private final Duration staleAfter;
    /** This replica's streams with a provisional row: bounded by the streams in flight. */
    private final Map<String, Boolean> live = new ConcurrentHashMap<>();
    private long timer = -1;

    @Inject
    public ProvisionalRows(Pool pool, Vertx vertx, GatewayConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.staleAfter = config.ledger().provisionalStaleAfter();
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.max(250, staleAfter.toMillis() / 4);
        timer = vertx.setPeriodic(every, every, id -> {
            touch();
            sweep(staleAfter).subscribe().with(n -> {
            }, failure -> Log.debugf("Provisional ledger rows not swept now: %s", failure.getMessage()));
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    @Override
    public void open(UsageRecord estimate) {
        String json;
        try {
            ObjectNode row = Json.MAPPER.valueToTree(LedgerRow.of(estimate));
            row.put("status", INTERRUPTED);
            json = Json.MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Log.errorf(e, "Provisional ledger row of request %s cannot be serialised", estimate.requestId());
            return;
        }
        live.put(estimate.requestId(), Boolean.TRUE);
        // off the stream's path: a database that cannot take it now leaves this stream unbilled only if this replica
        // also dies before the stream ends
        pool.preparedQuery(OPEN).execute(Tuple.of(estimate.requestId(), json)).subscribe().with(ok -> {
        }, failure -> Log.debugf("Provisional ledger row of request %s not written: %s", estimate.requestId(),
                failure.getMessage()));
    }

    @Override
    public void close(String requestId) {
        live.remove(requestId);
    }

    /** Tells the other replicas that this replica's streams still run. */
    private void touch() {
        if (live.isEmpty()) {
            return;
        }
        String[] ids = live.keySet().toArray(String[]::new);
        pool.preparedQuery(TOUCH).execute(Tuple.tuple().addArrayOfString(ids)).subscribe().with(ok -> {
        }, failure -> Log.debugf("Provisional ledger rows not touched: %s", failure.getMessage()));
    }

    /**
     * Drops the provisional rows of streams whose own row is in the ledger, and writes those left untouched for
     * {@code stale} (and not running here) to the ledger at their estimate. Answers how many it wrote.
     */
    Uni<Integer> sweep(Duration stale) {
        return pool.query(FINISHED).execute()
                .chain(() -> pool.preparedQuery(STALE).execute(Tuple.of(stale.toMillis() / 1000.0)))
                .chain(rows -> {
                    List<LedgerRow> interrupted = new ArrayList<>();
                    List<String> ids = new ArrayList<>();
                    for (Row row : rows) {
                        String id = row.getString("request_id");
                        if (live.containsKey(id)) {
                            continue; // still running here (a touch that failed): not interrupted
                        }
                        ids.add(id);
                        try {
                            interrupted.add(Json.MAPPER.readValue(row.getString("ledger_row"), LedgerRow.class));
                        } catch (JsonProcessingException e) {
                            Log.errorf("Unreadable provisional ledger row %s dropped: %s", id, e.getMessage());
                        }
                    }
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Uni<?> written = interrupted.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : pool.preparedQuery(LedgerRow.INSERT).execute(LedgerRow.columns(interrupted));
                    return written.chain(() -> pool.preparedQuery(DROP)
                            .execute(Tuple.tuple().addArrayOfString(ids.toArray(String[]::new))))
                            .invoke(() -> Log.warnf("%d streams interrupted by a replica that stopped were billed at "
                                    + "their estimate", interrupted.size()))
                            .replaceWith(interrupted.size());
                });
    }

    /** Whether a request's stream has a provisional row held by this replica. */
    boolean holds(String requestId) {
        return live.containsKey(requestId);
    }
}
