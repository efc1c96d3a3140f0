package dev.tokenledger.provider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * An upstream exchange stays on the event loop of the request it serves: each loop has a pool of its own, so a
 * connection opened by one loop is never handed to another (Vert.x's own pool would hand over its last idle one).
 */
class UpstreamHttpLoopsTest {

    private Vertx vertx;
    private HttpServer server;
    /** The client port of every connection the upstream accepted. */
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        server = vertx.createHttpServer().requestHandler(request -> {
            connections.add(request.remoteAddress().port());
            request.response().putHeader("content-type", "application/json").end("{}");
        }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachEventLoopSendsOverConnectionsOfItsOwn() throws Exception {
        UpstreamHttp http = new UpstreamHttp(vertx,
                new ProviderSettings("loops", "openai", Optional.of("http://127.0.0.1:" + server.actualPort()),
                        Optional.empty(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(5), 8, Optional.empty()));
        Context first = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
        Context second = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext(); // the next loop
        assertNotEquals(loopThread(first), loopThread(second));

        for (Context context : List.of(first, second, first, second)) {
            String replyThread = post(http, context);
            assertEquals(loopThread(context), replyThread);
        }
        assertEquals(2, connections.size(), "one connection per loop, each reused by its own loop: " + connections);
    }

    private String post(UpstreamHttp http, Context context) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        context.runOnContext(v -> http.post("http://127.0.0.1:" + server.actualPort() + "/v1/chat/completions",
                Map.of(), "{}".getBytes(), body -> "error").subscribe().with(
                        reply -> done.complete(Thread.currentThread().getName()), done::completeExceptionally));
        return done.get(10, TimeUnit.SECONDS);
    }

    private static String loopThread(Context context) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
        return name.get(10, TimeUnit.SECONDS);
    }
}
