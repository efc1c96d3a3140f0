package dev.tokenledger.admission;

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

import dev.tokenledger.config.GatewayConfig;

/**
 * Runs the admission Lua scripts: by their SHA1 ({@code EVALSHA}, one round trip), sending the source only when a
 * Redis has not seen it yet (a fresh or restarted server). Every call has the configured timeout and is timed.
 * <p>
 * Calls made on an event loop go through a connection of that event loop, pipelined: the command is written and its
 * answer read by the thread that asked, with no hand-over to another thread (a pooled connection belongs to whichever
 * event loop opened it, and every command on it from another loop costs two thread wake-ups). The connection is
 * opened on first use and dropped when it fails; until it exists, and off the event loops, calls use the pool.
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

    @Inject
    Redis redis;

    @Inject
    GatewayConfig config;

    @Inject
    AdmissionMetrics metrics;

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
        RedisConnection own = own();
        return dispatch(own, request(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(RedisScripts::noScript).recoverWithUni(() -> dispatch(own, request(Command.EVAL,
                        script.source(), keys, args)))
                .ifNoItem().after(config.admission().redisTimeout()).fail()
                .onFailure().invoke(failure -> dropOnFailure(own, failure))
                .onItemOrFailure().invoke((r, f) -> metrics.redisLatency(script.name(), System.nanoTime() - start, f));
    }

    /**
     * Runs one script for many invocations in one write (a pipeline, not a transaction): the answers come in order.
     * Fails as a whole if any call fails; callers whose calls are idempotent retry them one by one.
     */
    public Uni<List<Response>> runAll(Script script, List<? extends Invocation> calls) {
        long start = System.nanoTime();
        List<Request> requests = new ArrayList<>(calls.size());
        for (Invocation call : calls) {
            requests.add(request(Command.EVALSHA, script.sha(), call.keys(), call.args()));
        }
        RedisConnection own = own();
        return (own == null ? redis.batch(requests) : own.batch(requests))
                .ifNoItem().after(config.admission().redisTimeout()).fail()
                .onFailure().invoke(failure -> dropOnFailure(own, failure))
                .onItemOrFailure().invoke((r, f) -> metrics.redisLatency(script.name(), System.nanoTime() - start, f));
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

    /** Opens a connection on the event loop's own context, so that its reads are handled by that loop. */
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
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
