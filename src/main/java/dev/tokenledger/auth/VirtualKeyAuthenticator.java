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

    private static final String LOOKUP = "SELECT k.id, k.team_id, t.org_id, k.name, k.models, k.status, k.expires_at "
            + "FROM api_key k JOIN team t ON t.id = k.team_id WHERE k.key_hash = $1";

    private final Pool pool;
    private final String pepper;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    public VirtualKeyAuthenticator(Pool pool, GatewayConfig config) {
        this.pool = pool;
        this.pepper = Pepper.of(config);
        this.ttlNanos = config.keys().cacheTtl().toNanos();
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Uni<Principal> authenticate(String credential) {
        if (pepper == null || !VirtualKeys.wellFormed(credential)) {
            return Uni.createFrom().nullItem();
        }
        String hash = VirtualKeys.hash(pepper, credential);
        Cached cached = cache.get(hash);
        if (cached != null && cached.fresh()) {
            return cached.verdict();
        }
        return pool.preparedQuery(LOOKUP).execute(Tuple.of(hash)).map(rows -> {
            Cached entry = rows.iterator().hasNext() ? fromRow(rows.iterator().next()) : Cached.unknown(ttlNanos);
            cache.put(hash, entry);
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

    /** Drops a key from this replica's cache, e.g. right after it was revoked or rotated here. */
    public void invalidate(String keyHash) {
        cache.remove(keyHash);
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
