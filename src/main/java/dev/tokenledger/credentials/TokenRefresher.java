package dev.tokenledger.credentials;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.TokenKind;
import dev.tokenledger.provider.TokenRefreshException;

/**
 * Keeps expiring access tokens fresh, whatever their kind: each token is refreshed at
 * {@code min(issued + refresh_in, expires − skew)} by a background sweep (every {@code sweep-interval}, jittered) and
 * by the first use that finds it due, without making that use wait. One refresh per credential runs at a time across
 * replicas: the replica that takes the Redis lock {@code tokenledger:credential-refresh:<id>} draws a fencing token
 * ({@code INCR}), refreshes through the credential's {@link TokenKind}, and stores the new token only if the row's
 * version is below its fencing token; the others wait for the row to change and read the winner's token. Transient
 * failures are retried with jittered exponential backoff; a refused grant (or a token that expired while its endpoint
 * kept failing) sends the credential to {@code needs_login}, out of its pool, counted by
 * {@code tokenledger_credential_refreshes_total{outcome="needs_login"}}.
 */
@ApplicationScoped
public class TokenRefresher {

    private static final long WAIT_STEP_MS = 100;

    private final CredentialStore store;
    private final CredentialPools pools;
    private final ProviderRegistry registry;
    private final Fingerprints fingerprints;
    private final RefreshLock lock;
    private final Vertx vertx;
    private final Changes changes;
    private final MeterRegistry meters;
    private final GatewayConfig.Refresh settings;
    private final Map<String, TokenKind> kinds = new HashMap<>();
    private final Map<UUID, Uni<Void>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** After a transient failure, a credential is not refreshed again before this time (ms) unless a request needs it. */
    private final Map<UUID, Long> quietUntil = new ConcurrentHashMap<>();
    private volatile long timer = -1;
    private volatile boolean stopped;

    @Inject
    public TokenRefresher(CredentialStore store, CredentialPools pools, ProviderRegistry registry,
            Fingerprints fingerprints, RefreshLock lock, Vertx vertx, Changes changes, MeterRegistry meters,
            GatewayConfig config, @Any Instance<TokenKind> kinds) {
        this.store = store;
        this.pools = pools;
        this.registry = registry;
        this.fingerprints = fingerprints;
        this.lock = lock;
        this.vertx = vertx;
        this.changes = changes;
        this.meters = meters;
        this.settings = config.credentials().refresh();
        kinds.forEach(k -> this.kinds.put(k.id(), k));
    }

    void start(@Observes StartupEvent event) {
        schedule();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void schedule() {
        if (stopped) {
            return;
        }
        long base = settings.sweepInterval().toMillis();
        long jittered = Math.max(100, base + (long) (base * 0.2 * (ThreadLocalRandom.current().nextDouble() * 2 - 1)));
        timer = vertx.setTimer(jittered, id -> {
            sweep();
            schedule();
        });
    }

    /** Starts the refresh of every token that is due (without waiting for them). */
    public void sweep() {
        Instant now = Instant.now();
        for (StoredCredential row : pools.refreshable()) {
            if (!now.isBefore(row.refreshAt().toInstant())) {
                refreshSoon(row.id());
            }
        }
    }

    /** A token kind by id. */
    public Optional<TokenKind> kind(String id) {
        return Optional.ofNullable(id == null ? null : kinds.get(id));
    }

    /**
     * Starts a credential's refresh if none is under way here and it did not just fail transiently; nobody waits for
     * it.
     */
    public void refreshSoon(UUID id) {
        Long quiet = quietUntil.get(id);
        if (quiet != null && System.currentTimeMillis() < quiet) {
            return;
        }
        refresh(id).subscribe().with(ignored -> {
        }, failure -> Log.debugf("Refresh of credential %s: %s", id, failure.toString()));
    }

    /**
     * Refreshes a credential's token, or waits for the refresh another replica is making; completes once this
     * replica's pools hold the outcome. One call per credential runs at a time in this replica.
     */
    public Uni<Void> refresh(UUID id) {
        return refresh(id, -1);
    }

    /**
     * Refreshes a credential whose token the upstream refused (401/403) although it is not due: only while the row is
     * still at {@code version}, the version the refused member was loaded with (a refresh since then already replaced
     * the token: this replica only reloads). Single-flight like {@link #refresh(UUID)}: many refused requests, on any
     * replica, make one refresh.
     */
    public Uni<Void> refreshRejected(UUID id, long version) {
        return refresh(id, version);
    }

    private Uni<Void> refresh(UUID id, long rejectedVersion) {
        return Uni.createFrom().deferred(() -> inFlight.computeIfAbsent(id, key -> attempt(key, rejectedVersion)
                .onTermination().invoke(() -> inFlight.remove(key))
                .memoize().indefinitely()));
    }

    private Uni<Void> attempt(UUID id, long rejectedVersion) {
        return store.find(id).flatMap(row -> {
            if (!due(row, rejectedVersion)) {
                return reload();
            }
            return lock.take(id).flatMap(locked -> locked
                    ? lock.holding(id, () -> lock.fenced(row).flatMap(fence -> refreshLocked(id, fence, rejectedVersion)))
                    : awaitOther(id, row.version(), System.currentTimeMillis() + settings.lockTtl().toMillis(),
                            System.currentTimeMillis() + lock.longestRefresh().toMillis()));
        });
    }

    /** Whether a row's token is to be refreshed now: it is due, or it is still the one an upstream refused. */
    private static boolean due(StoredCredential row, long rejectedVersion) {
        return row != null && row.status() == CredentialStatus.ENABLED && row.refreshAt() != null
                && (row.version() == rejectedVersion || !Instant.now().isBefore(row.refreshAt().toInstant()));
    }

    /** Holding the lock: re-reads the row (a refresh may have finished before the lock was taken) and refreshes. */
    private Uni<Void> refreshLocked(UUID id, long fence, long rejectedVersion) {
        return store.find(id).flatMap(row -> {
            if (!due(row, rejectedVersion)) {
                return reload();
            }
            Secret secret;
            try {
                secret = Secret.decode(pools.keys().open(row.id(), row.provider(), row.sealed()));
            } catch (KeyEncryption.UnwrapException e) {
                return Uni.createFrom().failure(e);
            }
            TokenKind kind = kinds.get(secret.tokenKind());
            if (kind == null) {
                return failed(row, fence, secret.tokenKind(), new TokenRefreshException("The credential's token kind '"
                        + secret.tokenKind() + "' is not known to this gateway", true));
            }
            Map<String, String> headers = new LinkedHashMap<>(fingerprints.headers(row.provider(), secret.identity()));
            headers.putAll(secret.headers());
            TokenKind.Grant grant = new TokenKind.Grant(registry.resolved(row.provider(), headers).orElseThrow(),
                    secret.apiKey(), secret.grant());
            return withRetries(kind, grant, 1)
                    .invoke(fresh -> quietUntil.remove(id))
                    .flatMap(fresh -> store(row, fence, secret, fresh, kind))
                    .onFailure(TokenRefreshException.class).recoverWithUni(f -> failed(row, fence, kind.id(),
                            (TokenRefreshException) f));
        });
    }

    private Uni<TokenKind.FreshToken> withRetries(TokenKind kind, TokenKind.Grant grant, int attempt) {
        return Uni.createFrom().deferred(() -> kind.refresh(grant))
                .ifNoItem().after(settings.timeout()).failWith(() -> new TokenRefreshException(
                        "The token endpoint did not answer in time", false))
                .onFailure(f -> !(f instanceof TokenRefreshException)).transform(f -> new TokenRefreshException(
                        "The token endpoint could not be reached", false))
                .onFailure(f -> !((TokenRefreshException) f).permanent() && attempt < settings.maxAttempts())
                .recoverWithUni(f -> Uni.createFrom().voidItem().onItem().delayIt().by(backoff(attempt))
                        .flatMap(ignored -> withRetries(kind, grant, attempt + 1)));
    }

    /** Jittered exponential backoff: the base doubled per attempt, capped at ten times the base, ±25 %. */
    private Duration backoff(int attempt) {
        long base = settings.retryBackoff().toMillis();
        long wait = Math.min(base * 10, base << Math.min(attempt - 1, 20));
        return Duration.ofMillis(Math.max(1, (long) (wait * (0.75 + ThreadLocalRandom.current().nextDouble() * 0.5))));
    }

    /** When to refresh a token: the issuer's advice or {@code expires − skew}, whichever is first (never at once). */
    Instant refreshAt(TokenKind.FreshToken fresh, Instant now) {
        Instant byExpiry = null;
        if (fresh.expiresAt() != null) {
            Instant lead = fresh.expiresAt().minus(settings.skew());
            // a token shorter-lived than the skew is refreshed after three quarters of its life
            Instant floor = now.plusMillis(Math.max(0, Duration.between(now, fresh.expiresAt()).toMillis() * 3 / 4));
            byExpiry = lead.isAfter(floor) ? lead : floor;
        }
        if (fresh.refreshAt() == null) {
            return byExpiry;
        }
        return byExpiry == null || fresh.refreshAt().isBefore(byExpiry) ? fresh.refreshAt() : byExpiry;
    }

    private Uni<Void> store(StoredCredential row, long fence, Secret secret, TokenKind.FreshToken fresh,
            TokenKind kind) {
        Secret next = secret.refreshed(fresh.accessToken(), fresh.endpoint(), fresh.values());
        KeyEncryption.Sealed sealed = pools.keys().seal(row.id(), row.provider(), next.encode());
        Instant refreshAt = refreshAt(fresh, Instant.now());
        return store.refreshed(row.id(), fence, sealed, time(fresh.expiresAt()), time(refreshAt)).flatMap(stored -> {
            if (stored) {
                count(row.provider(), kind.id(), "ok");
                Log.infof("Credential %s of provider '%s' refreshed (%s); next refresh at %s", row.id(), row.provider(),
                        kind.id(), refreshAt);
            }
            return announce();
        });
    }

    private Uni<Void> failed(StoredCredential row, long fence, String kind, TokenRefreshException failure) {
        boolean expired = row.expiresAt() != null && !Instant.now().isBefore(row.expiresAt().toInstant());
        String message = OAuthErrors.bounded(failure.getMessage());
        if (failure.permanent() || expired) {
            return store.needsLogin(row.id(), fence, "Refresh failed: " + message).flatMap(changed -> {
                if (changed) {
                    count(row.provider(), kind, "needs_login");
                    Log.warnf("ALERT credential %s of provider '%s' needs a new login: its token could not be "
                            + "refreshed (%s)", row.id(), row.provider(), message);
                }
                return announce();
            });
        }
        count(row.provider(), kind, "transient");
        long pause = settings.sweepInterval().toMillis();
        quietUntil.put(row.id(), System.currentTimeMillis() + pause / 2
                + ThreadLocalRandom.current().nextLong(Math.max(1, pause)));
        Log.warnf("Credential %s of provider '%s': refresh failed for now (%s); retried at the next sweep", row.id(),
                row.provider(), message);
        return store.lastError(row.id(), "Refresh failed: " + message).onFailure().recoverWithNull();
    }

    /**
     * Another replica holds the lock: waits until the row changes, then reloads. Past {@code deadline} (the lock's
     * TTL) it waits on only while the lock is still held (its holder renews it while it works), and never past
     * {@code limit}, the longest a live holder's refresh can take.
     */
    private Uni<Void> awaitOther(UUID id, long version, long deadline, long limit) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(WAIT_STEP_MS))
                .flatMap(ignored -> store.find(id))
                .flatMap(row -> {
                    if (row == null || row.version() != version || row.status() != CredentialStatus.ENABLED) {
                        return reload();
                    }
                    long now = System.currentTimeMillis();
                    if (now < deadline) {
                        return awaitOther(id, version, deadline, limit);
                    }
                    if (now >= limit) {
                        return reload();
                    }
                    return lock.held(id).flatMap(held -> held
                            ? awaitOther(id, version, now + settings.lockTtl().toMillis(), limit)
                            : reload());
                });
    }

    private Uni<Void> reload() {
        return pools.credentialsChanged();
    }

    private Uni<Void> announce() {
        return pools.credentialsChanged().call(() -> changes.announce(Change.of(Change.Kind.CREDENTIALS))
                .onFailure().recoverWithNull());
    }

    private void count(String provider, String kind, String outcome) {
        // providers come from the configuration and kinds from the code: the label set is bounded
        counters.computeIfAbsent(provider + "|" + kind + "|" + outcome, k -> Counter
                .builder("tokenledger.credential.refreshes")
                .description("Token refreshes of stored credentials by outcome: ok, transient (retried later) or "
                        + "needs_login (the credential left its pool)")
                .tag("provider", provider).tag("kind", kind).tag("outcome", outcome).register(meters)).increment();
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * Refreshes credentials whose token has expired, for a request that has no other member to send with: completes
     * when every one of them is refreshed or has failed. The wait is tied to
     * the refresh lock's lease, not to a fixed time: a refresh here or on another replica is waited for while its
     * holder keeps the lock, never past the longest a live refresh can take.
     */
    public Uni<Void> awaitAny(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(ids.stream().map(id -> refresh(id).onFailure().recoverWithNull()).toList())
                .andCollectFailures().replaceWithVoid()
                .ifNoItem().after(lock.longestRefresh().plus(settings.lockTtl())).recoverWithItem((Void) null);
    }
}
