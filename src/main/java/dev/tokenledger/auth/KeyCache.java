package dev.tokenledger.auth;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.config.KeysConfig;

/**
 * Virtual-key lookups by key hash, cached on this replica and bounded: known keys in one LRU cache
 * ({@code tokenledger.keys.cache-size}), keys found not to exist in another, smaller and short-lived
 * ({@code negative-cache-size}, {@code negative-cache-ttl}), so forged well-formed keys can neither grow memory nor
 * cost a database lookup each time they are repeated. A lookup is fresh for {@code cache-ttl}; after that the next
 * request reads it again (concurrent requests for one key share one read). When PostgreSQL cannot answer, a known key
 * is served from its last good lookup for up to {@code max-stale} and an unknown key is refused with 503; the
 * database is then asked again at most once a second, not by every request.
 */
@ApplicationScoped
public class KeyCache {

    private static final String LOOKUP = "SELECT k.id, k.team_id, t.org_id, k.name, k.models, k.status, k.expires_at, "
            + "k.pepper_version FROM api_key k JOIN team t ON t.id = k.team_id WHERE k.key_hash = $1";
    private static final long RETRY_DATABASE_NANOS = 1_000_000_000L;

    /** A key's state as last read from PostgreSQL, with the version of the pepper its hash was made with. */
    public record KeyState(Principal principal, String status, OffsetDateTime expiresAt, int pepperVersion) {
    }

    /** A known key's state and when it was read (nanoTime). */
    private record Entry(KeyState state, long readAt) {
    }

    private final Pool pool;
    private final long ttlNanos;
    private final long maxStaleNanos;
    private final Duration lookupTimeout;
    private final int size;
    private final int negativeSize;
    private final Cache<String, Entry> known;
    private final Cache<String, Boolean> unknown;
    /** Reads in flight, one per key hash: bounded by the requests in flight. */
    private final Map<String, CompletableFuture<KeyState>> reads = new ConcurrentHashMap<>();
    /** Bumped by every invalidation: a read that began before one does not cache what it read. */
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong staleServed = new AtomicLong();
    private volatile long databaseDownSince;
    private volatile long retryDatabaseAt;
    private volatile boolean databaseDown;

    @Inject
    public KeyCache(Pool pool, GatewayConfig config) {
        this.pool = pool;
        KeysConfig keys = config.keys();
        Duration ttl = keys.cacheTtl();
        this.ttlNanos = ttl.toNanos();
        this.maxStaleNanos = keys.maxStale().toNanos();
        this.lookupTimeout = keys.lookupTimeout();
        this.size = keys.cacheSize();
        this.negativeSize = keys.negativeCacheSize();
        Duration keep = ttl.compareTo(keys.maxStale()) >= 0 ? ttl : keys.maxStale();
        Duration negativeTtl = keys.negativeCacheTtl().compareTo(ttl) <= 0 ? keys.negativeCacheTtl() : ttl;
        // eviction runs on the calling thread, so the bound holds at every moment, also under a flood of new keys
        this.known = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(keep).executor(Runnable::run).build();
        this.unknown = Caffeine.newBuilder().maximumSize(negativeSize).expireAfterWrite(negativeTtl)
                .executor(Runnable::run).build();
    }

    /**
     * The state of the key with this hash: null when no such key exists; fails with {@link ErrorKind#UNAVAILABLE}
     * when PostgreSQL cannot answer and no lookup of the key younger than {@code max-stale} is at hand.
     */
    public Uni<KeyState> lookup(String keyHash) {
        long now = System.nanoTime();
        Entry entry = known.getIfPresent(keyHash);
        if (entry != null && now - entry.readAt() < ttlNanos) {
            return Uni.createFrom().item(entry.state());
        }
        if (entry == null && unknown.getIfPresent(keyHash) != null) {
            return Uni.createFrom().nullItem();
        }
        if (databaseDown && now - retryDatabaseAt < 0) {
            return stale(keyHash);
        }
        return read(keyHash).onFailure().recoverWithUni(failure -> stale(keyHash));
    }

    /** The last good lookup of a key while the database cannot be asked, within {@code max-stale}; else 503. */
    private Uni<KeyState> stale(String keyHash) {
        Entry entry = known.getIfPresent(keyHash);
        if (entry != null && System.nanoTime() - entry.readAt() < maxStaleNanos) {
            staleServed.incrementAndGet();
            return Uni.createFrom().item(entry.state());
        }
        return Uni.createFrom().failure(GatewayError.of(ErrorKind.UNAVAILABLE,
                "API keys cannot be verified right now; retry in a little while."));
    }

    /** Reads a key from PostgreSQL; concurrent reads of one key share one query. */
    private Uni<KeyState> read(String keyHash) {
        CompletableFuture<KeyState> mine = new CompletableFuture<>();
        CompletableFuture<KeyState> running = reads.putIfAbsent(keyHash, mine);
        if (running != null) {
            return onCallersContext(running);
        }
        long at = generation.get();
        lookups.incrementAndGet();
        pool.preparedQuery(LOOKUP).execute(Tuple.of(keyHash)).ifNoItem().after(lookupTimeout).fail()
                .subscribe().with(rows -> {
                    KeyState state = state(rows);
                    if (generation.get() == at) {
                        if (state == null) {
                            known.invalidate(keyHash);
                            unknown.put(keyHash, Boolean.TRUE);
                        } else {
                            known.put(keyHash, new Entry(state, System.nanoTime()));
                        }
                    }
                    databaseAnswered();
                    reads.remove(keyHash, mine);
                    mine.complete(state);
                }, failure -> {
                    databaseFailed(failure);
                    reads.remove(keyHash, mine);
                    mine.completeExceptionally(failure);
                });
        return onCallersContext(mine);
    }

    /** Resumes on the caller's Vert.x context: a shared read completes on the context of whoever started it. */
    private static <T> Uni<T> onCallersContext(CompletableFuture<T> future) {
        Uni<T> result = Uni.createFrom().completionStage(future);
        Context context = io.vertx.core.Vertx.currentContext();
        return context == null ? result : result.emitOn(task -> context.runOnContext(v -> task.run()));
    }

    private static KeyState state(RowSet<Row> rows) {
        if (!rows.iterator().hasNext()) {
            return null;
        }
        Row row = rows.iterator().next();
        JsonArray models = new JsonArray(row.getString("models"));
        List<String> allowed = new ArrayList<>();
        models.forEach(m -> allowed.add(String.valueOf(m)));
        UUID keyId = row.getUUID("id");
        Principal principal = new Principal("key:" + keyId, false, keyId, row.getUUID("team_id"), row.getUUID("org_id"),
                allowed);
        return new KeyState(principal, row.getString("status"), row.getOffsetDateTime("expires_at"),
                row.getInteger("pepper_version"));
    }

    private void databaseAnswered() {
        if (databaseDown) {
            databaseDown = false;
            Log.info("PostgreSQL answers key lookups again");
        }
    }

    private void databaseFailed(Throwable failure) {
        retryDatabaseAt = System.nanoTime() + RETRY_DATABASE_NANOS;
        if (!databaseDown) {
            databaseDownSince = System.currentTimeMillis();
            databaseDown = true;
            Log.warnf("Key lookups fail (%s): known keys are served from their last lookup for up to %s, unknown keys "
                    + "are refused with 503", failure.getClass().getSimpleName(), Duration.ofNanos(maxStaleNanos));
        }
    }

    /** Forgets one key's lookup on this replica (after it was revoked, disabled or rotated). */
    public void invalidate(String keyHash) {
        generation.incrementAndGet();
        known.invalidate(keyHash);
        unknown.invalidate(keyHash);
    }

    /** Forgets every cached lookup on this replica. */
    public void invalidateAll() {
        generation.incrementAndGet();
        known.invalidateAll();
        unknown.invalidateAll();
    }

    /** Whether the last key lookup failed: known keys are then served from their last good lookup. */
    public boolean degraded() {
        return databaseDown;
    }

    /** Since when lookups fail (epoch milliseconds), 0 when they do not. */
    public long degradedSince() {
        return databaseDown ? databaseDownSince : 0;
    }

    /** Keys cached as known and as unknown, after pending evictions. */
    public long cachedKeys() {
        known.cleanUp();
        unknown.cleanUp();
        return known.estimatedSize() + unknown.estimatedSize();
    }

    /** The most keys the two caches hold together. */
    public long bound() {
        return (long) size + negativeSize;
    }

    /** Lookups sent to PostgreSQL since start. */
    public long lookups() {
        return lookups.get();
    }

    /** Requests served from a stale lookup because PostgreSQL could not be asked, since start. */
    public long staleServed() {
        return staleServed.get();
    }
}
