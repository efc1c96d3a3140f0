package dev.tokenledger.admission;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.testing.FrozenRedis;
import dev.tokenledger.testing.RedisBehindProxy;
import dev.tokenledger.testing.TestDb;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the production Redis timeout (250 ms): a burst that queues on the gateway's own connections is not taken for
 * Redis being down, a Redis that freezes for 3 s mid-burst leaves no hold or concurrency slot behind, and a slot whose
 * request stopped being renewed is free after the slot TTL while a running request keeps its own.
 */
@QuarkusTest
@TestProfile(FrozenRedis.Profile.class)
class RedisStallTest {

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    RedisScripts scripts;

    @BeforeEach
    void upstream() {
        Tenant.serveOnly(gateway, "stall-model");
    }

    @AfterEach
    void thaw() {
        RedisBehindProxy.proxy().resume();
        RedisBehindProxy.proxy().restore();
    }

    @Test
    void aBurstIsNotTakenForRedisBeingDown() throws Exception {
        Tenant rated = Tenant.create();
        Tenant.limits("key", rated.keyId(), "{\"rpm\":30}");
        Tenant budgeted = Tenant.create();
        Tenant.limits("key", budgeted.keyId(), "{\"budget\":{\"amountUsd\":\"0.020\",\"window\":\"month\",\"hard\":true}}");
        String body = Tenant.body("mock/stall-model", 100, false);

        long start = System.nanoTime();
        List<HttpResponse<String>> rate = Tenant.burst(gateway, rated.key(), body, 200);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<HttpResponse<String>> budget = Tenant.burst(gateway, budgeted.key(), body, 200);

        assertEquals(0, Tenant.count(rate, 503) + Tenant.count(budget, 503), "a burst was taken for Redis being down");
        // the minute's 30 at once, then one more per 2 s while the burst lasts (GCRA); the local fallback would admit
        // its own 30 on top
        long bound = 30 + (long) Math.ceil(seconds / 2);
        long admitted = Tenant.count(rate, 200);
        assertTrue(admitted >= 30 && admitted <= bound, admitted + " admitted at 30 rpm in " + seconds + " s");
        assertEquals(200 - admitted, Tenant.count(rate, 429));
        assertEquals(20, Tenant.count(budget, 200), "admitted on a budget for 20");
        assertEquals(180, Tenant.count(budget, 429));
        assertTrue(Tenant.ledger("key_id", budgeted.keyId(), 20)[1] <= 20_000);
    }

    @Test
    void aFrozenRedisLeavesNoHoldsOrSlotsBehind() throws Exception {
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"maxParallel\":500,\"budget\":{\"amountUsd\":\"5\",\"window\":\"month\","
                + "\"hard\":true}}");
        String body = Tenant.body("mock/stall-model", 100, false);
        assertEquals(200, Tenant.burst(gateway, tenant.key(), body, 1).get(0).statusCode()); // the counters exist

        CompletableFuture<List<HttpResponse<String>>> burst = CompletableFuture.supplyAsync(
                () -> Tenant.burst(gateway, tenant.key(), body, 200));
        Thread.sleep(40);
        RedisBehindProxy.proxy().stall();
        Thread.sleep(3000);
        RedisBehindProxy.proxy().resume();
        List<HttpResponse<String>> responses = burst.join();

        long served = Tenant.count(responses, 200);
        assertEquals(200, served + Tenant.count(responses, 503), "answers other than 200 and 503");
        awaitNoPendingSettlements();
        long[] ledger = Tenant.ledger("key_id", tenant.keyId(), served + 1);
        assertEquals(served + 1, ledger[0]);
        String budget = HoldsTest.budgetKey(tenant);
        String slots = Plans.tag(UUID.fromString(tenant.orgId())) + "par:key:" + tenant.keyId();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && (held(budget) != 0 || card(budget + ":h") != 0 || card(slots) != 0)) {
            Thread.sleep(100);
        }
        assertEquals(0, held(budget), "budget held after the freeze");
        assertEquals(0, card(budget + ":h"), "holds left after the freeze");
        assertEquals(0, card(slots), "concurrency slots left after the freeze");
        assertEquals(String.valueOf(ledger[1]), TestDb.redisCli("HGET", budget, "spent").trim(),
                "Redis and the ledger differ");
    }

    @Test
    void aSlotNotRenewedExpiresInSecondsARunningRequestKeepsItsOwn() throws Exception {
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"maxParallel\":1}");
        String slots = Plans.tag(UUID.fromString(tenant.orgId())) + "par:key:" + tenant.keyId();

        // a request running longer than the slot TTL (3 s) keeps its slot: it is renewed (a stream of 5 s)
        CompletableFuture<List<HttpResponse<String>>> slow = CompletableFuture.supplyAsync(
                () -> Tenant.burst(gateway, tenant.key(), Tenant.body("dribble/ticks-100", 1000, true), 1));
        Thread.sleep(3800);
        assertEquals(429, Tenant.burst(gateway, tenant.key(), Tenant.body("mock/stall-model", 100, false), 1).get(0)
                .statusCode(), "the running request's slot expired");
        assertEquals(200, slow.join().get(0).statusCode());
        Thread.sleep(300);
        assertEquals(0, card(slots));

        // a slot taken by a replica that then died is never renewed: free after the slot TTL, not the hold TTL
        Response taken = scripts.run(RedisScripts.ADMIT, List.of(slots), List.of("crashed-" + UUID.randomUUID(),
                "600000", "1", "c", "1", "1", "3000", "0", "key:" + tenant.keyId())).await().indefinitely();
        assertEquals("OK", taken.get(0).toString());
        assertEquals(429, Tenant.burst(gateway, tenant.key(), Tenant.body("mock/stall-model", 100, false), 1).get(0)
                .statusCode());
        Thread.sleep(3300);
        assertEquals(200, Tenant.burst(gateway, tenant.key(), Tenant.body("mock/stall-model", 100, false), 1).get(0)
                .statusCode(), "a dead replica's slot outlived the slot TTL");
    }

    private static long held(String key) throws Exception {
        String v = TestDb.redisCli("HGET", key, "held").trim();
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    private static long card(String key) throws Exception {
        return Long.parseLong(TestDb.redisCli("ZCARD", key).trim());
    }

    private static void awaitNoPendingSettlements() throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!given().get("/q/metrics").asString().contains("tokenledger_admission_settlements_pending 0.0")) {
            assertTrue(System.nanoTime() < deadline, "settlements still pending");
            Thread.sleep(200);
        }
    }
}
