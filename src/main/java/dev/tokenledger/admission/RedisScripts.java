package dev.tokenledger.admission;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.config.GatewayConfig;

/**
 * Runs the admission Lua scripts: by their SHA1 ({@code EVALSHA}, one round trip), sending the source only when a
 * Redis has not seen it yet (a fresh or restarted server). Every call has the configured timeout and is timed.
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

    public Uni<Response> run(Script script, List<String> keys, List<String> args) {
        long start = System.nanoTime();
        return send(Command.EVALSHA, script.sha(), keys, args)
                .onFailure(RedisScripts::noScript).recoverWithUni(() -> send(Command.EVAL, script.source(), keys, args))
                .ifNoItem().after(config.admission().redisTimeout()).fail()
                .onItemOrFailure().invoke((r, f) -> metrics.redisLatency(script.name(), System.nanoTime() - start, f));
    }

    private Uni<Response> send(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return redis.send(request);
    }

    private static boolean noScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
