package dev.tokenledger.auth;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.tenancy.ApiKey;

/**
 * Recognises virtual keys. The checksum is verified before anything else; lookups go to PostgreSQL by the key's hash
 * and are cached for {@code tokenledger.keys.cache-ttl}, so the database is not asked per request. Disabled, revoked
 * and expired keys are refused with 401.
 */
@ApplicationScoped
public class VirtualKeyAuthenticator implements ClientAuthenticator {

    /** By the hash under the pepper, or (version-1 keys only) under the master key. */
    private static final String LOOKUP = "SELECT k.id, k.team_id, t.org_id, k.name, k.models, k.status, k.expires_at, "
            + "k.key_hash FROM api_key k JOIN team t ON t.id = k.team_id "
            + "WHERE k.key_hash = $1 OR (k.key_hash = $2 AND k.pepper_version = " + Pepper.LEGACY_VERSION + ")";

    private final Pool pool;
    private final String pepper;
    private final String legacyPepper;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    public VirtualKeyAuthenticator(Pool pool, GatewayConfig config) {
        this.pool = pool;
        this.pepper = Pepper.of(config);
        this.legacyPepper = Pepper.legacy(config);
        this.ttlNanos = config.keys().cacheTtl().toNanos();
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Uni<Principal> authenticate(String credential) {
        if (pepper == null && legacyPepper == null || !VirtualKeys.wellFormed(credential)) {
            return Uni.createFrom().nullItem();
        }
        // entries are cached under the stored hash, so that a change announced by that hash finds them
        String hash = pepper == null ? null : VirtualKeys.hash(pepper, credential);
        String legacy = legacyPepper == null ? null : VirtualKeys.hash(legacyPepper, credential);
        for (String stored : new String[]{hash, legacy}) {
            Cached cached = stored == null ? null : cache.get(stored);
            if (cached != null && cached.fresh()) {
                return cached.verdict();
            }
        }
        return pool.preparedQuery(LOOKUP).execute(Tuple.of(hash, legacy)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                Cached unknown = Cached.unknown(ttlNanos);
                cache.put(hash != null ? hash : legacy, unknown);
                return unknown;
            }
            Row row = rows.iterator().next();
            Cached entry = fromRow(row);
            cache.put(row.getString("key_hash"), entry);
            return entry;
        }).chain(Cached::verdict);
    }

    private Cached fromRow(Row row) {
        JsonArray models = new JsonArray(row.getString("models"));
        List<String> allowed = new ArrayList<>();
        if (models != null) {
            models.forEach(m -> allowed.add(String.valueOf(m)));
        }
        UUID keyId = row.getUUID("id");
        Principal principal = new Principal("key:" + keyId, false, keyId, row.getUUID("team_id"), row.getUUID("org_id"),
                allowed);
        return new Cached(principal, row.getString("status"), row.getOffsetDateTime("expires_at"),
                System.nanoTime() + ttlNanos);
    }

    /** Drops a key from this replica's cache, by its stored hash. */
    public void invalidate(String keyHash) {
        cache.remove(keyHash);
    }

    /** Drops every cached lookup (announcements may have been missed). */
    public void invalidateAll() {
        cache.clear();
    }

    /** A cached lookup: a principal and its state, or an unknown key. */
    private record Cached(Principal principal, String status, OffsetDateTime expiresAt, long until) {

        static Cached unknown(long ttlNanos) {
            return new Cached(null, null, null, System.nanoTime() + Math.min(ttlNanos, 5_000_000_000L));
        }

        boolean fresh() {
            return System.nanoTime() < until;
        }

        Uni<Principal> verdict() {
            if (principal == null) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.AUTHENTICATION, "Incorrect API key provided."));
            }
            if (!ApiKey.ACTIVE.equals(status)) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.AUTHENTICATION, "This API key is " + status + "."));
            }
            if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.AUTHENTICATION, "This API key has expired."));
            }
            return Uni.createFrom().item(principal);
        }
    }
}
