package dev.tokenledger.admission.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.netty.channel.EventLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.config.GatewayConfig;

/**
 * Runs the admission Lua scripts: by their SHA1 ({@code EVALSHA}, one round trip), sending the source only when a
 * Redis has not seen it yet (a fresh or restarted server). Every call has the configured timeout and is timed.
 * <p>
 * Calls made on an event loop go through a connection kept for that event loop, pipelined, with no lease from the pool
 * per call. The connection is opened on first use and dropped when it fails; until it exists, and off the event
 * loops, calls use the pool. The Vert.x Redis client (4.5) opens every connection, these included, on the context the
 * client was created on: one event loop writes and reads them all, whichever loop asked (see {@link #deadline}).
 */
@ApplicationScoped
public class RedisScripts {

    /** A Lua script and its SHA1. */
    public record Script(String name, String source, String sha) {
        static Script load(String name) {
            try (InputStream in = RedisScripts.class.getResourceAsStream("/admission/" + name + ".lua")) {
                String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
                return new Script(name, source, HexFormat.of().formatHex(digest));
            } catch (IOException | NoSuchAlgorithmException | NullPointerException e) {
                throw new IllegalStateException("admission script " + name + " cannot be loaded", e);
            }
        }
    }

    /** One call of a script: its keys and arguments. */
    public interface Invocation {
        List<String> keys();

        List<String> args();
    }

    public static final Script ADMIT = Script.load("admit");
    public static final Script SETTLE = Script.load("settle");
    public static final Script SEED = Script.load("seed");
    public static final Script HEARTBEAT = Script.load("heartbeat");
    public static final Script RENEW = Script.load("renew");
    public static final Script LEASE = Script.load("lease");

    private final Redis redis;
    private final GatewayConfig config;
    private final AdmissionMetrics metrics;
    private final Vertx vertx;

    @Inject
    public RedisScripts(Redis redis, GatewayConfig config, AdmissionMetrics metrics, Vertx vertx) {
        this.redis = redis;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    /** Script calls sent to Redis (each call of a pipeline counts): what admission costs Redis, per request. */
    private final java.util.concurrent.atomic.LongAdder calls = new java.util.concurrent.atomic.LongAdder();
    /** The same, by script name. */
    private final Map<String, java.util.concurrent.atomic.LongAdder> byScript = new ConcurrentHashMap<>();

    /** Script calls sent to Redis since start (a pipeline counts each of its calls). */
    public long calls() {
        return calls.sum();
    }

    /** Calls of one script sent to Redis since start (a pipeline counts each of its calls). */
    public long calls(Script script) {
        java.util.concurrent.atomic.LongAdder n = byScript.get(script.name());
        return n == null ? 0 : n.sum();
    }

    private void count(Script script, int n) {
        calls.add(n);
        byScript.computeIfAbsent(script.name(), k -> new java.util.concurrent.atomic.LongAdder()).add(n);
    }

    /** When Redis last answered any call (nanoTime). */
    private volatile long lastAnswer = System.nanoTime();

    /** The open connection of each event loop; a loop whose connection is being opened maps to {@link #OPENING}. */
    private final Map<EventLoop, Object> connections = new ConcurrentHashMap<>();
    private static final Object OPENING = new Object();
    private volatile boolean stopped;

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        connections.values().forEach(c -> {
            if (c instanceof RedisConnection connection) {
                connection.closeAndForget();
            }
        });
        connections.clear();
    }

    public Uni<Response> run(Script script, List<String> keys, List<String> args) {
        long start = System.nanoTime();
        count(script, 1);
        RedisConnection own = own();
        return deadline(dispatch(own, request(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(RedisScripts::noScript).recoverWithUni(() -> dispatch(own, request(Command.EVAL,
                        script.source(), keys, args))))
                .onFailure().invoke(failure -> dropOnFailure(own, failure))
                .onItemOrFailure().invoke((r, f) -> metrics.redisLatency(script.name(), System.nanoTime() - start, f));
    }

    /**
     * Runs one script for many invocations in one write (a pipeline, not a transaction): the answers come in order.
     * Fails as a whole if any call fails; callers whose calls are idempotent retry them one by one.
     */
    public Uni<List<Response>> runAll(Script script, List<? extends Invocation> calls) {
        long start = System.nanoTime();
        count(script, calls.size());
        List<Request> requests = new ArrayList<>(calls.size());
        for (Invocation call : calls) {
            requests.add(request(Command.EVALSHA, script.sha(), call.keys(), call.args()));
        }
        RedisConnection own = own();
        return deadline(own == null ? redis.batch(requests) : own.batch(requests))
                // a Redis that has not seen the script yet (a fresh or restarted server): load it, then the calls again
                .onFailure(RedisScripts::noScript).recoverWithUni(() -> deadline(dispatch(own, Request.cmd(Command.SCRIPT)
                        .arg("LOAD").arg(script.source())))
                        .chain(() -> deadline(own == null ? redis.batch(requests) : own.batch(requests))))
                .onFailure().invoke(failure -> dropOnFailure(own, failure))
                .onItemOrFailure().invoke((r, f) -> metrics.redisLatency(script.name(), System.nanoTime() - start, f));
    }

    /**
     * A call that fails with {@link RedisSilent} once Redis has said nothing, to this or any other call, for the Redis
     * timeout while it waited. Time this replica's event loops were late is not Redis's silence, nor is a wait behind
     * other commands while Redis keeps answering: a burst queued on our own connections is not an outage.
     * <p>
     * The answer is read by the event loop its connection belongs to, which need not be the loop watching the call:
     * the Vert.x Redis client (4.5) opens every pooled connection on the context it was created on, so one loop reads
     * all of them. Once the timeout has passed, {@link #probe} therefore asks every event loop to run a task after its
     * next read of its sockets before judging: what arrived meanwhile has been read by then, and the time the loops
     * took is theirs, not Redis's. Only when they were prompt and still no answer came is Redis silent. The call still
     * fails after 20 timeouts (at least 5 s) without its own answer. A late answer is dropped: an admission given up
     * this way is released by its caller.
     */
    <T> Uni<T> deadline(Uni<T> call) {
        return Uni.createFrom().emitter(emitter -> {
            Wait wait = new Wait(System.nanoTime(), emitter);
            call.subscribe().with(item -> {
                lastAnswer = System.nanoTime();
                if (wait.end()) {
                    emitter.complete(item);
                }
            }, failure -> {
                if (!connectionLost(failure)) {
                    lastAnswer = System.nanoTime(); // an error reply is an answer
                }
                if (wait.end()) {
                    emitter.fail(failure);
                }
            });
            if (!wait.over.get()) {
                watch(wait, timeoutNanos());
            }
        });
    }

    /** One call's wait: when it began, whether it is over, how late this replica looked, and its pending timer. */
    private final class Wait {
        final long start;
        final io.smallrye.mutiny.subscription.UniEmitter<?> emitter;
        final AtomicBoolean over = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicLong timer = new java.util.concurrent.atomic.AtomicLong(-1);
        long late;

        Wait(long start, io.smallrye.mutiny.subscription.UniEmitter<?> emitter) {
            this.start = start;
            this.emitter = emitter;
        }

        /** Ends the wait (true for the first caller only) and cancels its timer. */
        boolean end() {
            if (!over.compareAndSet(false, true)) {
                return false;
            }
            long id = timer.get();
            if (id >= 0) {
                vertx.cancelTimer(id);
            }
            return true;
        }
    }

    private long timeoutNanos() {
        return config.admission().redisTimeout().toNanos();
    }

    /** Looks again after {@code delay}, on the context watching the call; the timer's own lateness is not silence. */
    private void watch(Wait wait, long delay) {
        long due = System.nanoTime() + delay;
        wait.timer.set(vertx.setTimer(Math.max(1, delay / 1_000_000), id -> {
            if (!wait.over.get()) {
                long now = System.nanoTime();
                wait.late += Math.max(0, now - due - 1_000_000);
                judge(wait, now, -1);
            }
        }));
    }

    /**
     * Fails the call, waits on, or probes the event loops. {@code probeLate} is how late the loops ran the last probe
     * (-1: none since the last look); a probe later than a tenth of the timeout is no verdict, and is made again.
     */
    private void judge(Wait wait, long now, long probeLate) {
        long timeout = timeoutNanos();
        long silent = now - Math.max(wait.start, lastAnswer) - wait.late;
        boolean exhausted = now - wait.start >= Math.max(timeout * 20, 5_000_000_000L);
        if (!exhausted && silent < timeout) {
            watch(wait, Math.max(1_000_000, timeout - Math.max(0, silent)));
        } else if (!exhausted && (probeLate < 0 || probeLate > timeout / 10)) {
            probe(wait, (ContextInternal) Vertx.currentContext());
        } else if (wait.end()) {
            wait.emitter.fail(new RedisSilent(exhausted
                    ? "no answer from Redis in " + (now - wait.start) / 1_000_000 + " ms"
                    : "Redis silent for " + silent / 1_000_000 + " ms"));
        }
    }

    /**
     * Has every event loop run a task scheduled 1 ms ahead, which Netty runs only in a later round of the loop, after
     * a poll of its sockets (an answer that arrived before is read and handed on first), then judges again on
     * {@code home}, the watching context (answers are handed there too, so they come before the judgement). The time
     * beyond the 1 ms is the loops' lateness.
     */
    private void probe(Wait wait, ContextInternal home) {
        long asked = System.nanoTime();
        List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(loops::add);
        java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger(loops.size());
        Runnable arrived = () -> {
            if (pending.decrementAndGet() == 0) {
                home.runOnContext(v -> {
                    if (!wait.over.get()) {
                        long now = System.nanoTime();
                        long late = Math.max(0, now - asked - 1_000_000);
                        wait.late += late;
                        judge(wait, now, late);
                    }
                });
            }
        };
        for (io.netty.util.concurrent.EventExecutor loop : loops) {
            onLoop(loop, () -> onLoop(loop, arrived, true), false);
        }
    }

    /** Runs a task on a loop, now or 1 ms ahead; a loop shutting down has nothing left to read: it runs here. */
    private static void onLoop(io.netty.util.concurrent.EventExecutor loop, Runnable task, boolean later) {
        try {
            if (later) {
                loop.schedule(task, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                loop.execute(task);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    /** Redis gave no answer in time. */
    public static final class RedisSilent extends RuntimeException {
        RedisSilent(String message) {
            super(message, null, false, false);
        }
    }

    /** A failure of the connection (not an error reply of Redis, which is an answer). */
    private static boolean connectionLost(Throwable failure) {
        return failure instanceof java.io.IOException || failure instanceof io.vertx.core.VertxException
                || failure instanceof RedisSilent || failure.getCause() instanceof java.io.IOException;
    }

    private static Request request(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private Uni<Response> dispatch(RedisConnection own, Request request) {
        return own == null ? redis.send(request) : own.send(request);
    }

    /**
     * A loop's connection that failed or stopped answering is dropped (a connection cut off without being closed
     * gives no other sign); the next call opens a new one. Error replies of Redis itself keep it.
     */
    private void dropOnFailure(RedisConnection own, Throwable failure) {
        if (own != null && !noScript(failure)) {
            drop(own);
        }
    }

    /** This event loop's connection, or null (not on an event loop, or not open yet: opening it starts here). */
    private RedisConnection own() {
        Context current = Vertx.currentContext();
        if (stopped || !(current instanceof ContextInternal context) || !current.isEventLoopContext()) {
            return null;
        }
        EventLoop loop = context.nettyEventLoop();
        Object held = connections.get(loop);
        if (held instanceof RedisConnection connection) {
            return connection;
        }
        if (held == null && connections.putIfAbsent(loop, OPENING) == null) {
            open(context.unwrap(), loop);
        }
        return null;
    }

    /** Opens the event loop's connection (the client reads it on its own context's loop, not necessarily this one). */
    private void open(ContextInternal root, EventLoop loop) {
        root.runOnContext(v -> redis.getDelegate().connect().onComplete(ar -> {
            if (ar.failed() || stopped) {
                connections.remove(loop, OPENING);
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            var raw = ar.result();
            RedisConnection connection = RedisConnection.newInstance(raw);
            raw.exceptionHandler(e -> drop(connection));
            raw.endHandler(e -> drop(connection));
            connections.put(loop, connection);
        }));
    }

    private void drop(RedisConnection connection) {
        if (connections.values().remove(connection)) {
            connection.closeAndForget();
        }
    }

    private static boolean noScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }
}
