package dev.tokenledger.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * An OpenAI-compatible upstream that streams one chat chunk every 50 ms (200 chunks, or N for model {@code ticks-N})
 * then {@code [DONE]}, and records when the peer
 * closes the connection before the stream is over.
 */
public class DribbleUpstream {

    private final Vertx vertx = Vertx.vertx();
    private HttpServer server;
    private final AtomicInteger streamsStarted = new AtomicInteger();
    private final AtomicInteger chunksSent = new AtomicInteger();
    private volatile CountDownLatch closedEarly = new CountDownLatch(1);

    public void start() {
        CountDownLatch started = new CountDownLatch(1);
        vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            streamsStarted.incrementAndGet();
            int total = ticks(body.toJsonObject().getString("model", ""));
            int[] sent = {0};
            var response = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            boolean[] finished = {false};
            long timer = vertx.setPeriodic(50, id -> {
                chunksSent.incrementAndGet();
                if (++sent[0] > total) {
                    vertx.cancelTimer(id);
                    finished[0] = true;
                    response.end("data: [DONE]\n\n");
                    return;
                }
                String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"dribble-model\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tick \"},\"finish_reason\":null}]}";
                response.write("data: " + chunk + "\n\n", StandardCharsets.UTF_8.name());
            });
            req.connection().closeHandler(v -> {
                vertx.cancelTimer(timer);
                if (!finished[0]) {
                    closedEarly.countDown();
                }
            });
        })).listen(0, "127.0.0.1").onSuccess(s -> {
            server = s;
            started.countDown();
        });
        Await.latch(started, "dribble upstream did not start");
    }

    /** Model {@code ticks-N} streams N chunks; any other model streams 200. */
    private static int ticks(String model) {
        return model.startsWith("ticks-") ? Integer.parseInt(model.substring(6)) : 200;
    }

    public int port() {
        return server.actualPort();
    }

    public void reset() {
        closedEarly = new CountDownLatch(1);
        streamsStarted.set(0);
    }

    public int streamsStarted() {
        return streamsStarted.get();
    }

    /** Waits until a peer closed a connection before its stream was finished. */
    public boolean awaitClosedEarly(long millis) throws InterruptedException {
        return closedEarly.await(millis, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        vertx.close();
    }
}
