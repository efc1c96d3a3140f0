package dev.tokenledger.admission;

import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.EventLoop;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.impl.PooledRedisConnection;

import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.testing.FrozenRedis;
import dev.tokenledger.testing.RedisBehindProxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the production Redis timeout (250 ms): the event loop that reads Redis's answers being busy is not Redis's
 * silence, while a Redis that stops answering on an open connection still fails hard budgets closed.
 */
@QuarkusTest
@TestProfile(FrozenRedis.Profile.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RedisSilenceTest {

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    RedisScripts scripts;

    @Inject
    Vertx vertx;

    @AfterEach
    void thaw() {
        RedisBehindProxy.proxy().resume();
    }

    @Test
    @org.junit.jupiter.api.Order(1) // before the stall, whose reconnections it does not pin to a loop
    void aBusyReadingLoopIsNotRedisSilence() throws Exception {
        // a call made, and its timeout watched, on one event loop, whose connection is read by another (the Vert.x
        // client opens all its connections on the context it was created on)
        // the answer sits unread while the loop that reads it is busy; then the command is not even written until then.
        // Which loop reads a connection is the client's business (seen from its internals, not always right after
        // reconnections): a scenario in which the answer came in time anyway is tried again with another caller.
        for (boolean callFirst : new boolean[]{true, false}) {
            boolean exercised = false;
            for (int attempt = 0; attempt < 6 && !exercised; attempt++) {
                ContextInternal caller = null;
                java.util.Set<EventLoop> readers = null;
                for (int i = 0; i < 16 && (readers == null || readers.contains(caller.nettyEventLoop())); i++) {
                    caller = ((VertxInternal) vertx).createEventLoopContext();
                    readers = readersOf(caller);
                }
                exercised = !readers.contains(caller.nettyEventLoop()) && answersWhileBusy(caller, readers, callFirst);
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(exercised,
                    "the call's answer was never held up by a busy reading loop (call first: " + callFirst + ")");
        }
    }

    /**
     * A call from {@code caller} while every other event loop, {@code readers} among them, is busy for 600 ms (from
     * before the call if not callFirst): fails if Redis is taken for silent, and tells whether the answer waited for
     * the busy loops (else the scenario did not happen).
     */
    private boolean answersWhileBusy(ContextInternal caller, java.util.Set<EventLoop> readers, boolean callFirst)
            throws Exception {
        List<io.netty.util.concurrent.EventExecutor> others = new java.util.ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(loop -> {
            if (loop != caller.nettyEventLoop()) {
                others.add(loop);
            }
        });
        assertTrue(others.containsAll(readers));
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(others.size());
        Runnable block = () -> others.forEach(loop -> loop.execute(() -> {
            busy.countDown();
            long until = System.nanoTime() + 600_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }));
        long start = System.nanoTime();
        CompletableFuture<Response> answer;
        if (callFirst) {
            answer = heartbeat(caller, block);
        } else {
            block.run();
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            answer = heartbeat(caller, () -> {
            });
        }
        Response r;
        try {
            r = answer.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a busy event loop was taken for Redis's silence (call first: " + callFirst + ")",
                    e.getCause());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, r.toInteger());
        return ms >= 550;
    }

    @Test
    void aSilentRedisOnAnOpenConnectionFailsHardBudgetsClosed() throws Exception {
        Tenant.serveOnly(gateway, "silence-model");
        Tenant budgeted = Tenant.create();
        Tenant.limits("key", budgeted.keyId(), "{\"budget\":{\"amountUsd\":\"0.003\",\"window\":\"month\",\"hard\":true}}");
        String body = Tenant.body("mock/silence-model", 100, false);
        assertEquals(200, Tenant.burst(gateway, budgeted.key(), body, 1).get(0).statusCode());

        RedisBehindProxy.proxy().stall(); // the connections stay open; nothing comes back
        long start = System.nanoTime();
        HttpResponse<String> refused = Tenant.burst(gateway, budgeted.key(), body, 1).get(0);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"code\":\"budget_unavailable\""), refused.body());
        // told within the timeout and a few probes of the event loops, not at the 5 s upper bound
        assertTrue(ms < 2500, "refused after " + ms + " ms");
        ExecutionException silent = assertThrows(ExecutionException.class,
                () -> heartbeat(null, () -> {
                }).get(10, TimeUnit.SECONDS));
        assertInstanceOf(RedisScripts.RedisSilent.class, silent.getCause());
    }

    /** Runs the heartbeat script on a throwaway key from {@code on} (or this thread), then {@code after} there. */
    private CompletableFuture<Response> heartbeat(ContextInternal on, Runnable after) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        Runnable call = () -> {
            scripts.run(RedisScripts.HEARTBEAT, List.of("tl:test:silence:" + UUID.randomUUID()),
                    List.of("probe", "60000"))
                    .subscribe().with(answer::complete, answer::completeExceptionally);
            after.run();
        };
        if (on == null) {
            call.run();
        } else {
            on.runOnContext(v -> call.run());
        }
        return answer;
    }

    /**
     * The event loops that read the connection calls on {@code caller}'s event loop use (the client's internals): the
     * loop of its socket's channel, which reads the bytes, and that of the connection's context, which handles them.
     */
    private java.util.Set<EventLoop> readersOf(ContextInternal caller) throws Exception {
        Field connections = RedisScripts.class.getDeclaredField("connections");
        connections.setAccessible(true);
        Object held = null;
        for (int i = 0; i < 50 && !(held instanceof io.vertx.mutiny.redis.client.RedisConnection); i++) {
            heartbeat(caller, () -> {
            }).get(10, TimeUnit.SECONDS); // the first call opens it
            Thread.sleep(20);
            held = ((java.util.Map<?, ?>) connections.get(io.quarkus.arc.ClientProxy.unwrap(scripts))).get(caller
                    .nettyEventLoop());
        }
        held = ((io.vertx.mutiny.redis.client.RedisConnection) held).getDelegate();
        while (!(held instanceof PooledRedisConnection)) { // Quarkus's observing wrapper
            Field delegate = held.getClass().getDeclaredField("delegate");
            delegate.setAccessible(true);
            held = delegate.get(held);
        }
        Object actual = ((PooledRedisConnection) held).actual();
        Field context = actual.getClass().getDeclaredField("context");
        context.setAccessible(true);
        Field socket = actual.getClass().getDeclaredField("netSocket");
        socket.setAccessible(true);
        return new java.util.HashSet<>(List.of(((ContextInternal) context.get(actual)).nettyEventLoop(),
                ((io.vertx.core.net.impl.NetSocketInternal) socket.get(actual)).channelHandlerContext().channel()
                        .eventLoop()));
    }
}
