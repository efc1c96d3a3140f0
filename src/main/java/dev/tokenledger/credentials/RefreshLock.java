package dev.tokenledger.credentials;

import java.time.Duration;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;

import dev.tokenledger.config.GatewayConfig;

/**
 * The cross-replica lock of a credential's token refresh, in Redis: the lock {@code tokenledger:credential-refresh:<id>}
 * (renewed while its holder works), a started-refresh mark that outlives a lapsed lock for the longest a live refresh
 * can take, and a fencing counter whose value the holder's new token must exceed to be stored.
 */
@ApplicationScoped
class RefreshLock {

    static final String LOCK = "tokenledger:credential-refresh:";
    static final String FENCE = "tokenledger:credential-refresh-fence:";
    /**
     * Marks a refresh under way, for the longest a live refresh can take: a holder whose lock lapsed (a loaded machine
     * renewed it late) is still calling the token endpoint, and no second replica may spend the same grant meanwhile.
     */
    static final String STARTED = "tokenledger:credential-refresh-started:";
    /** Takes the lock unless another owner's refresh is still under way (its lock may have lapsed). */
    private static final String ACQUIRE = "local started = redis.call('get', KEYS[2]) "
            + "if started and started ~= ARGV[1] then return 0 end "
            + "if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then "
            + "redis.call('set', KEYS[2], ARGV[1], 'PX', ARGV[3]) return 1 end return 0";
    private static final String RELEASE = "if redis.call('get', KEYS[2]) == ARGV[1] then redis.call('del', KEYS[2]) end "
            + "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";
    /** Whether a refresh is under way: its lock is held, or its holder is still within its longest refresh. */
    private static final String HELD = "return redis.call('exists', KEYS[1]) + redis.call('exists', KEYS[2])";
    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private final Redis redis;
    private final Vertx vertx;
    private final GatewayConfig.Refresh settings;
    private final String owner = UUID.randomUUID().toString();

    @Inject
    RefreshLock(Redis redis, Vertx vertx, GatewayConfig config) {
        this.redis = redis;
        this.vertx = vertx;
        this.settings = config.credentials().refresh();
    }

    /** Takes the lock of a credential's refresh for this replica: true when taken. */
    Uni<Boolean> take(UUID id) {
        return redis.send(Request.cmd(Command.EVAL).arg(ACQUIRE).arg(2).arg(LOCK + id).arg(STARTED + id).arg(owner)
                .arg(settings.lockTtl().toMillis()).arg(longestRefresh().toMillis())).map(r -> r != null && r.toLong() == 1);
    }

    /**
     * Runs the lock holder's work while renewing the lock every third of its TTL, then releases it: a refresh that
     * outlasts the TTL (a slow token endpoint, a loaded machine) keeps the lock, so no other replica starts a second
     * one. The lock lapses only when its holder is gone.
     */
    Uni<Void> holding(UUID id, java.util.function.Supplier<Uni<Void>> work) {
        long every = Math.max(50, settings.lockTtl().toMillis() / 3);
        long renewal = vertx.setPeriodic(every, t -> redis.send(Request.cmd(Command.EVAL).arg(RENEW).arg(1)
                .arg(LOCK + id).arg(owner).arg(settings.lockTtl().toMillis())).subscribe().with(ignored -> {
                }, failure -> Log.debugf("Refresh lock of credential %s not renewed: %s", id, failure.toString())));
        return Uni.createFrom().<Void>deferred(work::get).eventually(() -> {
            vertx.cancelTimer(renewal);
            return release(id);
        });
    }

    /** The longest a live lock holder may take: its attempts, their backoffs, and the lock's own TTL. */
    Duration longestRefresh() {
        long attempts = Math.max(1, settings.maxAttempts());
        return settings.lockTtl().plus(settings.timeout().multipliedBy(attempts))
                .plus(settings.retryBackoff().multipliedBy(10 * attempts));
    }

    private Uni<Void> release(UUID id) {
        return redis.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(2).arg(LOCK + id).arg(STARTED + id).arg(owner))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** A fencing token above the row's version: every lock holder gets a larger one than all before it. */
    Uni<Long> fenced(StoredCredential row) {
        return redis.send(Request.cmd(Command.INCR).arg(FENCE + row.id())).flatMap(r -> {
            long fence = r.toLong();
            if (fence > row.version()) {
                return Uni.createFrom().item(fence);
            }
            // the fence counter was lost (Redis flushed): restart it above the stored version
            long next = row.version() + 1;
            return redis.send(Request.cmd(Command.SET).arg(FENCE + row.id()).arg(next)).replaceWith(next);
        });
    }

    /** Whether a refresh is under way on some replica: its lock is held or its started mark stands. */
    Uni<Boolean> held(UUID id) {
        return redis.send(Request.cmd(Command.EVAL).arg(HELD).arg(2).arg(LOCK + id).arg(STARTED + id))
                .map(held -> held != null && held.toLong() > 0);
    }
}
