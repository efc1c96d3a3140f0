package dev.tokenledger.responses;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.config.ResponsesConfig;

/**
 * Stored responses in PostgreSQL (table {@code stored_response}): one row per turn, a conversation being the chain of
 * turns linked by their previous response's id, every read and write scoped to a tenant. PostgreSQL rather than Redis
 * because a conversation must outlive a restart of any replica and a Redis without persistence, and because rows of
 * megabytes kept for weeks belong on disk, not in the memory limits and holds need; expired rows are swept by every
 * replica (idempotent deletes), and never read before that.
 */
@ApplicationScoped
public class StoredResponses {

    /** One stored turn: the input items it added and its response object, both JSON text. */
    public record Turn(String id, String previousId, String input, String response) {
    }

    private static final int SWEEP_BATCH = 1000;
    private static final String SAVE = "INSERT INTO stored_response "
            + "(tenant, id, previous_id, input, response, size_bytes, expires_at) "
            + "VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6, $7) ON CONFLICT (tenant, id) DO UPDATE SET "
            + "previous_id = EXCLUDED.previous_id, input = EXCLUDED.input, response = EXCLUDED.response, "
            + "size_bytes = EXCLUDED.size_bytes, created_at = now(), expires_at = EXCLUDED.expires_at";
    /** The chain ending with a turn, newest first, at most one turn past the bound (to tell a chain too long). */
    private static final String CHAIN = "WITH RECURSIVE chain AS ("
            + "SELECT id, previous_id, input, response, 1 AS depth FROM stored_response "
            + "WHERE tenant = $1 AND id = $2 AND expires_at > now() "
            + "UNION ALL SELECT s.id, s.previous_id, s.input, s.response, c.depth + 1 FROM stored_response s "
            + "JOIN chain c ON s.tenant = $1 AND s.id = c.previous_id WHERE s.expires_at > now() AND c.depth <= $3) "
            + "SELECT id, previous_id, input::text AS input, response::text AS response FROM chain ORDER BY depth";
    /** The earlier turns of a chain live as long as its newest turn. */
    private static final String EXTEND = "WITH RECURSIVE chain AS ("
            + "SELECT id, previous_id, 1 AS depth FROM stored_response WHERE tenant = $1 AND id = $2 "
            + "UNION ALL SELECT s.id, s.previous_id, c.depth + 1 FROM stored_response s "
            + "JOIN chain c ON s.tenant = $1 AND s.id = c.previous_id WHERE c.depth <= $4) "
            + "UPDATE stored_response SET expires_at = $3 WHERE tenant = $1 AND expires_at < $3 "
            + "AND id IN (SELECT id FROM chain)";
    private static final String FIND = "SELECT response::text AS response FROM stored_response "
            + "WHERE tenant = $1 AND id = $2 AND expires_at > now()";
    private static final String DELETE = "DELETE FROM stored_response WHERE tenant = $1 AND id = $2 "
            + "AND expires_at > now()";
    private static final String SWEEP = "DELETE FROM stored_response WHERE (tenant, id) IN (SELECT tenant, id "
            + "FROM stored_response WHERE expires_at <= now() LIMIT " + SWEEP_BATCH + ")";

    private final Pool pool;
    private final Vertx vertx;
    private final ResponsesConfig config;
    private long timer = -1;

    @Inject
    public StoredResponses(Pool pool, Vertx vertx, GatewayConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config.responses();
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.max(1000, config.sweepInterval().toMillis());
        timer = vertx.setPeriodic(every, every, id -> sweep().subscribe().with(n -> {
            if (n > 0) {
                Log.debugf("Deleted %d expired stored responses", n);
            }
        }, failure -> Log.debugf("Expired stored responses not swept now: %s", failure.getMessage())));
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /**
     * The tenant a caller's stored responses belong to: its key's team, so that the keys of one team share them and
     * no other team's key sees them; a key without a team keeps its own; the master key and an anonymous caller
     * (authentication disabled) have one tenant each.
     */
    public static String tenant(Principal principal) {
        if (principal.teamId() != null) {
            return "team:" + principal.teamId();
        }
        if (principal.keyId() != null) {
            return "key:" + principal.keyId();
        }
        return principal.subject();
    }

    /** Whether responses are stored at all. */
    public boolean enabled() {
        return config.store();
    }

    /**
     * Stores one turn, and extends the earlier turns of its conversation to its expiry.
     *
     * @return false when the turn is larger than the configured bound and was not stored
     */
    public Uni<Boolean> save(String tenant, String id, String previousId, String input, String response) {
        int size = input.getBytes(StandardCharsets.UTF_8).length + response.getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxSize().asLongValue()) {
            return Uni.createFrom().item(false);
        }
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(config.ttl());
        return pool.withTransaction(conn -> conn.preparedQuery(SAVE)
                .execute(Tuple.from(Arrays.asList(tenant, id, previousId, input, response, size, expires)))
                .chain(() -> previousId == null
                        ? Uni.createFrom().voidItem()
                        : conn.preparedQuery(EXTEND).execute(Tuple.of(tenant, previousId, expires, config.maxChain()))
                                .replaceWithVoid()))
                .replaceWith(true);
    }

    /**
     * The conversation a response ends, oldest turn first.
     *
     * @return null when the response, or a turn before it, is unknown to this tenant, expired or deleted
     * @throws GatewayError (400, {@code previous_response_id}) when the chain is longer than the configured bound
     */
    public Uni<List<Turn>> chain(String tenant, String id) {
        int bound = config.maxChain();
        return pool.preparedQuery(CHAIN).execute(Tuple.of(tenant, id, bound)).map(rows -> {
            List<Turn> newestFirst = new ArrayList<>();
            for (Row row : rows) {
                newestFirst.add(new Turn(row.getString("id"), row.getString("previous_id"), row.getString("input"),
                        row.getString("response")));
            }
            if (newestFirst.size() > bound) {
                throw GatewayError.invalid("previous_response_id", "The conversation continued by "
                        + "'previous_response_id' is longer than " + bound + " responses; send it in 'input' instead.");
            }
            if (newestFirst.isEmpty() || newestFirst.get(newestFirst.size() - 1).previousId() != null) {
                return null;
            }
            List<Turn> oldestFirst = new ArrayList<>(newestFirst);
            Collections.reverse(oldestFirst);
            return oldestFirst;
        });
    }

    /** A stored response object, or null. */
    public Uni<String> find(String tenant, String id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(tenant, id))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getString("response") : null);
    }

    /** Deletes a stored response; false when there was none for this tenant. */
    public Uni<Boolean> delete(String tenant, String id) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(tenant, id)).map(rows -> rows.rowCount() > 0);
    }

    /** Deletes expired rows, one batch. */
    Uni<Integer> sweep() {
        return pool.query(SWEEP).execute().map(rows -> rows.rowCount());
    }
}
