package dev.tokenledger.admission.limits;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.coherence.KeptCurrent;
import dev.tokenledger.coherence.StartupReads;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.json.Json;

/**
 * Limits per scope: PostgreSQL is the truth, every replica keeps all of them in memory (reloaded at once after a
 * change through any replica, announced on the change channel, and periodically as the backstop), so the request path
 * never asks the database.
 */
@ApplicationScoped
public class LimitStore {

    private static final String UPSERT = "INSERT INTO scope_limit (scope_type, scope_id, org_id, spec, updated_by) "
            + "VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (scope_type, scope_id) DO UPDATE SET spec = EXCLUDED.spec, "
            + "updated_at = now(), updated_by = EXCLUDED.updated_by, anchor = CASE WHEN "
            + "scope_limit.spec->'budget' IS DISTINCT FROM EXCLUDED.spec->'budget' THEN now() ELSE scope_limit.anchor END";
    private static final String ORG_OF = "SELECT CASE $1 WHEN 'org' THEN (SELECT id FROM org WHERE id = $2) "
            + "WHEN 'team' THEN (SELECT org_id FROM team WHERE id = $2) "
            + "ELSE (SELECT t.org_id FROM api_key k JOIN team t ON t.id = k.team_id WHERE k.id = $2) END AS org_id, "
            + "(SELECT team_id FROM api_key WHERE id = $2) AS team_id";

    private static final String LOCK = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended('scope_limit:' || $1 "
            + "|| ':' || $2, 0))) locked";
    private static final String CURRENT = "SELECT spec::text AS spec FROM scope_limit WHERE scope_type = $1 AND scope_id = $2";
    private static final String DELETE = "DELETE FROM scope_limit WHERE scope_type = $1 AND scope_id = $2";

    private final Pool pool;
    private final Changes changes;
    private final KeptCurrent current;

    private volatile Map<String, StoredLimits> limits = Map.of();

    @Inject
    public LimitStore(Pool pool, Changes changes) {
        this.pool = pool;
        this.changes = changes;
        this.current = new KeptCurrent("Limits", Change.Kind.LIMITS, this::reload);
    }

    /** Limits changed through another replica (or announcements may have been missed). */
    void onChange(@Observes Change change) {
        current.changed(change);
    }

    void onStart(@Observes StartupEvent event, StartupReads startupReads, Vertx vertx, GatewayConfig config) {
        current.start(startupReads, "the limits", reload(), vertx, config.admission().limitsRefresh());
    }

    /** The limits of a scope, or null when it has none. */
    public StoredLimits get(ScopeType type, UUID id) {
        return id == null ? null : limits.get(key(type, id));
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /** Every scope that has limits. */
    public java.util.Collection<StoredLimits> all() {
        return limits.values();
    }

    /** The organizations that have limits somewhere (null for scopes outside any organization). */
    public java.util.Set<UUID> orgs() {
        java.util.Set<UUID> orgs = new java.util.HashSet<>();
        limits.values().forEach(stored -> orgs.add(stored.orgId()));
        return orgs;
    }

    public Uni<Void> reload() {
        long reading = reloads.incrementAndGet();
        return pool.query("SELECT scope_type, scope_id, org_id, spec::text AS spec, anchor FROM scope_limit").execute()
                .map(rows -> {
                    Map<String, StoredLimits> loaded = new HashMap<>();
                    for (Row row : rows) {
                        StoredLimits stored = fromRow(row);
                        loaded.put(key(stored.type(), stored.scopeId()), stored);
                    }
                    install(reading, Map.copyOf(loaded));
                    return null;
                }).replaceWithVoid();
    }

    /** Reads begun, and the latest whose result is in {@link #limits}. */
    private final java.util.concurrent.atomic.AtomicLong reloads = new java.util.concurrent.atomic.AtomicLong();
    private long installed;

    /**
     * Keeps what a read found unless a read begun after it was installed first: a periodic reload that began before a
     * write committed and ends after the write's own reload must not put the old limits back.
     */
    private synchronized void install(long reading, Map<String, StoredLimits> loaded) {
        if (reading > installed) {
            installed = reading;
            limits = loaded;
        }
    }

    /** Replaces a scope's limits; fails with 404 when the key, team or organization does not exist. */
    public Uni<StoredLimits> put(ScopeType type, UUID id, LimitSpec spec, String actor) {
        return owner(type, id).chain(owner -> pool.preparedQuery(UPSERT).execute(upsert(type, id, owner, spec, actor))
                .chain(this::changed)
                .map(v -> get(type, id)));
    }

    /**
     * Changes a scope's limits from what is stored now (null when none), one change at a time per scope; the change
     * may fail (a Uni failure) and then nothing is written. 404 when the scope does not exist.
     */
    public Uni<StoredLimits> update(ScopeType type, UUID id, Function<LimitSpec, Uni<LimitSpec>> change, String actor) {
        return owner(type, id).chain(owner -> pool.withTransaction(conn -> conn.preparedQuery(LOCK)
                .execute(Tuple.of(type.id(), id.toString()))
                .chain(() -> conn.preparedQuery(CURRENT).execute(Tuple.of(type.id(), id)))
                .chain(rows -> change.apply(rows.iterator().hasNext()
                        ? read(rows.iterator().next().getString("spec"))
                        : null))
                .chain(spec -> conn.preparedQuery(UPSERT).execute(upsert(type, id, owner, spec, actor)))))
                .chain(this::changed)
                .map(v -> get(type, id));
    }

    /** Removes every limit of a scope; false when it had none. 404 when the scope does not exist. */
    public Uni<Boolean> remove(ScopeType type, UUID id) {
        return owner(type, id).chain(owner -> pool.preparedQuery(DELETE).execute(Tuple.of(type.id(), id)))
                .call(this::changed)
                .map(rows -> rows.rowCount() > 0);
    }

    /** This replica applies a committed change at once and tells the others. */
    private Uni<Void> changed() {
        return reload().call(() -> changes.announce(Change.of(Change.Kind.LIMITS)));
    }

    private static Tuple upsert(ScopeType type, UUID id, Owner owner, LimitSpec spec, String actor) {
        return Tuple.of(type.id(), id, owner.orgId(), new io.vertx.core.json.JsonObject(new String(
                Json.write(Json.toNode(spec)), java.nio.charset.StandardCharsets.UTF_8)), actor);
    }

    /** The organization (and, for a key, the team) a scope belongs to; 404 when it does not exist. */
    public Uni<Owner> owner(ScopeType type, UUID id) {
        return pool.preparedQuery(ORG_OF).execute(Tuple.of(type.id(), id)).map(rows -> {
            Row row = rows.iterator().next();
            UUID org = row.getUUID("org_id");
            if (org == null) {
                throw GatewayError.of(ErrorKind.NOT_FOUND, "No " + type.id() + " with id " + id + ".");
            }
            return new Owner(org, row.getUUID("team_id"));
        });
    }

    /** Who owns a scope. */
    public record Owner(UUID orgId, UUID teamId) {
    }

    public Optional<StoredLimits> find(ScopeType type, UUID id) {
        return Optional.ofNullable(get(type, id));
    }

    private static StoredLimits fromRow(Row row) {
        LimitSpec spec;
        try {
            spec = read(row.getString("spec"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("unreadable limits of " + row.getUUID("scope_id"), e.getCause());
        }
        Instant anchor = row.getOffsetDateTime("anchor").withOffsetSameInstant(ZoneOffset.UTC).toInstant();
        return new StoredLimits(ScopeType.parse(row.getString("scope_type")), row.getUUID("scope_id"),
                row.getUUID("org_id"), spec, anchor);
    }

    private static LimitSpec read(String spec) {
        try {
            return Json.MAPPER.readValue(spec, LimitSpec.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable limits", e);
        }
    }

    private static String key(ScopeType type, UUID id) {
        return type.id() + ":" + id;
    }
}
