package dev.tokenledger.admission;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.testing.RedisBehindProxy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that answers 429 above 5 requests per second drives the gateway's admitted rate toward it (the excess
 * is refused by the gateway instead of hammering the upstream), and the rate climbs again once the upstream recovers.
 */
@QuarkusTest
@TestProfile(RedisBehindProxy.Profile.class)
class AdaptiveLimitTest {

    static final int UPSTREAM_RATE = 5;

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void upstream429sLowerTheAdmittedRateAndRecoveryRaisesIt() throws Exception {
        Tenant.answersAll(RedisBehindProxy.limitedServer(), "adaptive");
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"rpm\":1000000}");
        String model = "limited/" + RedisBehindProxy.deployment("adaptive");
        RedisBehindProxy.limited().rate(UPSTREAM_RATE);

        Load load = new Load(gateway, tenant.key(), model);
        try {
            Thread.sleep(6000); // learn
            int served = RedisBehindProxy.limited().ok();
            int throttled = RedisBehindProxy.limited().limited();
            int admitted = load.admitted.get();
            Thread.sleep(4000);
            double upstreamRate = (RedisBehindProxy.limited().ok() + RedisBehindProxy.limited().limited() - served
                    - throttled) / 4.0;
            double admittedRate = (load.admitted.get() - admitted) / 4.0;
            double sent = load.sent.get();
            assertTrue(upstreamRate <= 3 * UPSTREAM_RATE, "the upstream still got " + upstreamRate + " requests/s");
            assertTrue(admittedRate >= UPSTREAM_RATE / 2.0, "admitted only " + admittedRate + " requests/s of "
                    + load.sent.get() + " sent (" + load.failed.get() + " failed), upstream served " + served
                    + " and throttled " + throttled);
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("tokenledger_adaptive_rate{deployment=\"" + model.replace("limited/", "limited/")),
                    "no learned-rate metric");

            RedisBehindProxy.limited().rate(1000); // the upstream recovers
            double recovered = load.admittedRate(6000, 3);
            assertTrue(recovered >= 2.5 * UPSTREAM_RATE, "after recovery only " + recovered + " requests/s (sent "
                    + sent + " before)");
        } finally {
            load.stop();
        }
    }

    /** Eight clients sending back to back, with a short pause. */
    static final class Load {
        final AtomicInteger admitted = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        final List<java.util.concurrent.Future<?>> clients = new ArrayList<>();

        Load(URI gateway, String key, String model) {
            HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Tenant.body(model, 10, false)))
                    .build();
            for (int i = 0; i < 8; i++) {
                clients.add(pool.submit(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<Void> r = Tenant.HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                            sent.incrementAndGet();
                            if (r.statusCode() == 200) {
                                admitted.incrementAndGet();
                            }
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
        }

        /** Requests per second admitted over {@code seconds}, measured after a wait. */
        double admittedRate(long waitMillis, int seconds) throws InterruptedException {
            Thread.sleep(waitMillis);
            int before = admitted.get();
            Thread.sleep(seconds * 1000L);
            return (admitted.get() - before) / (double) seconds;
        }

        void stop() {
            running.set(false);
            pool.shutdownNow();
        }
    }
}
