package dev.tokenledger.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.json.Json;

/**
 * The admin audit log (table {@code admin_audit}, append-only): written in the change's own Hibernate Reactive
 * transaction ({@link #inTransaction}) or, for changes made through the SQL pool or in Redis, right after the change
 * ({@link #append}); read with filters, newest first.
 */
@ApplicationScoped
public class AuditLog {

    /** Field names never written to the log, whatever view a caller passes (defence in depth: views hold none). */
    static final Set<String> SECRET_FIELDS = Set.of("key", "keyhash", "key_hash", "secret", "apikey", "api_key",
            "sealedsecret", "sealed_secret", "wrappedkey", "wrapped_key", "accesstoken", "access_token", "refreshtoken",
            "refresh_token", "clientsecret", "client_secret", "password", "token", "authorization");

    /** The most entries one read returns. */
    public static final int MAX_PAGE = 500;

    private static final String INSERT = "INSERT INTO admin_audit (actor, actor_kind, subject, client_ip, via, entity_type, "
            + "entity_id, action, team_id, before, after) VALUES ";

    private final Pool pool;

    @Inject
    public AuditLog(Pool pool) {
        this.pool = pool;
    }

    /** Appends an entry in the current Hibernate Reactive transaction: it commits or rolls back with the change. */
    public Uni<Void> inTransaction(Actor actor, AuditEntry entry) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT
                + "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CAST(?9 AS uuid), CAST(CAST(?10 AS text) AS jsonb), CAST(CAST(?11 AS text) AS jsonb))")
                .setParameter(1, actor.name()).setParameter(2, actor.kind()).setParameter(3, actor.subject())
                .setParameter(4, actor.clientIp()).setParameter(5, actor.via()).setParameter(6, entry.entityType())
                .setParameter(7, entry.entityId()).setParameter(8, entry.action())
                .setParameter(9, entry.teamId() == null ? null : entry.teamId().toString())
                .setParameter(10, redacted(entry.before())).setParameter(11, redacted(entry.after()))
                .executeUpdate()).replaceWithVoid();
    }

    /** Appends an entry on its own, after a change made outside Hibernate (the SQL pool, Redis). */
    public Uni<Void> append(Actor actor, AuditEntry entry) {
        return pool.preparedQuery(INSERT + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $11::text::jsonb)")
                .execute(Tuple.from(new Object[]{actor.name(), actor.kind(), actor.subject(), actor.clientIp(),
                        actor.via(), entry.entityType(), entry.entityId(), entry.action(), entry.teamId(),
                        redacted(entry.before()), redacted(entry.after())}))
                .replaceWithVoid();
    }

    /** A view as JSON text with every secret-named field removed at any depth; null stays null. */
    static String redacted(Object view) {
        if (view == null) {
            return null;
        }
        JsonNode node = Json.toNode(view);
        strip(node);
        return node.toString();
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (SECRET_FIELDS.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                    it.remove();
                } else {
                    strip(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(AuditLog::strip);
        }
    }

    /** One stored entry. */
    public record Entry(long id, Instant at, String actor, String actorKind, String subject, String clientIp, String via,
            String entityType, String entityId, String action, UUID teamId, Object before, Object after) {
    }

    /**
     * What to read: every field optional. {@code teams} null means every team; otherwise only entries of those teams.
     * {@code beforeId} pages backwards: entries older than that id.
     */
    public record Query(String entityType, String entityId, String action, String actor, Instant from, Instant to,
            Set<UUID> teams, Long beforeId, int limit) {
    }

    /** Entries matching a query, newest first. */
    public Uni<List<Entry>> read(Query q) {
        StringBuilder where = new StringBuilder("TRUE");
        List<Object> args = new ArrayList<>();
        condition(where, args, "entity_type = ", q.entityType());
        condition(where, args, "entity_id = ", q.entityId());
        condition(where, args, "action = ", q.action());
        condition(where, args, "actor = ", q.actor());
        condition(where, args, "at >= ", q.from() == null ? null : OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC));
        condition(where, args, "at < ", q.to() == null ? null : OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC));
        condition(where, args, "id < ", q.beforeId());
        if (q.teams() != null) {
            condition(where, args, "team_id = ANY", q.teams().toArray(new UUID[0]));
        }
        args.add(Math.max(1, Math.min(q.limit(), MAX_PAGE)));
        String sql = "SELECT id, at, actor, actor_kind, subject, client_ip, via, entity_type, entity_id, action, team_id, "
                + "before, after FROM admin_audit WHERE " + where + " ORDER BY id DESC LIMIT $" + args.size();
        return pool.preparedQuery(sql).execute(Tuple.from(args)).map(rows -> {
            List<Entry> entries = new ArrayList<>();
            for (Row r : rows) {
                entries.add(new Entry(r.getLong("id"), r.getOffsetDateTime("at").toInstant(), r.getString("actor"),
                        r.getString("actor_kind"), r.getString("subject"), r.getString("client_ip"), r.getString("via"),
                        r.getString("entity_type"), r.getString("entity_id"), r.getString("action"),
                        r.getUUID("team_id"), plain(r.getValue("before")), plain(r.getValue("after"))));
            }
            return entries;
        });
    }

    private static Object plain(Object json) {
        return json instanceof JsonObject o ? o.getMap() : json instanceof JsonArray a ? a.getList() : json;
    }

    private static void condition(StringBuilder where, List<Object> args, String sql, Object value) {
        if (value != null) {
            args.add(value);
            where.append(" AND ").append(sql).append(sql.endsWith("ANY") ? "($" + args.size() + ")" : "$" + args.size());
        }
    }
}
