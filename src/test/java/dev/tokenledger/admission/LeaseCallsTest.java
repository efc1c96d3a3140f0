package dev.tokenledger.admission;

import java.net.URI;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.redis.CapacityLeases;
import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.testing.Upstreams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Far from its limits a governed key is admitted from this replica's leases: the Redis calls its requests cause
 * (admission, settlement, seeding and the lease calls that grow a lease, counted on the client side) are at most 0.05
 * per request, and the calls of the lease timer and the heartbeat, which come with time and not with requests, at most
 * three a second; once the leases are given back Redis holds nothing and its spent equals the ledger's. What both cost
 * together at a real request rate is measured by bench/run.sh.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@io.quarkus.test.junit.TestProfile(LeaseCallsTest.Leased.class)
class LeaseCallsTest {

    /** Leases on (they are off by default). */
    public static class Leased implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("tokenledger.admission.leases.enabled", "true");
        }
    }

    static final int REQUESTS = 2_000;

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    RedisScripts scripts;

    @Inject
    Redis redis;

    @Inject
    CapacityLeases leases;

    @Test
    void farFromItsLimitsAGovernedRequestCostsAtMostOneTwentiethOfARedisCall() throws Exception {
        Tenant.answers("lease-model", 0);
        Tenant.price("mock", "lease-model", "0", "10");
        Tenant.warmUp(gateway, "mock/lease-model");
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"rpm\":100000000,\"tpm\":1000000000000,"
                + "\"dailyTokens\":100000000000,\"budget\":{\"amountUsd\":\"1000000\",\"window\":\"month\",\"hard\":true}}");
        String body = Tenant.body("mock/lease-model", 100, false);
        // the first requests are checked in Redis (and seed the counters) while the leases are taken
        for (int i = 0; i < 10; i++) {
            assertEquals(20, Tenant.count(Tenant.burst(gateway, tenant.key(), body, 20), 200));
        }

        long before = scripts.calls();
        long[] requestDriven = {requestDriven()};
        long start = System.nanoTime();
        int admitted = 0;
        for (int i = 0; i < REQUESTS / 50; i++) {
            admitted += (int) Tenant.count(Tenant.burst(gateway, tenant.key(), body, 50), 200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long calls = scripts.calls() - before;
        long caused = requestDriven() - requestDriven[0];

        assertEquals(REQUESTS, admitted);
        double perRequest = (double) caused / REQUESTS;
        System.out.printf("lease calls: %d Redis script calls for %d governed requests in %.1f s (%.4f per request):"
                + " %d caused by requests (%.4f per request), %d by the timer and the heartbeat (%.2f a second)%n",
                calls, REQUESTS, seconds, (double) calls / REQUESTS, caused, perRequest, calls - caused,
                (calls - caused) / seconds);
        assertTrue(perRequest <= 0.05, caused + " Redis calls caused by " + REQUESTS + " requests: " + perRequest
                + " per request");
        assertTrue(calls - caused <= 3 * seconds + 3, (calls - caused) + " timer and heartbeat calls in " + seconds
                + " s");

        // idle for the lease TTL: every lease is given back, and what the requests used is in Redis
        long rows = REQUESTS + 200;
        long[] ledger = Tenant.ledger("key_id", tenant.keyId(), rows);
        assertEquals(rows, ledger[0]);
        assertEquals(rows * 1000, ledger[1]);
        String pattern = "tl:{o:" + tenant.orgId() + "}:bud:*";
        long[] counter = {-1, -1};
        for (int i = 0; i < 100 && (counter[0] != ledger[1] || counter[1] != 0); i++) {
            Thread.sleep(100);
            counter = budget(pattern);
        }
        assertEquals(ledger[1], counter[0], "Redis spent equals the ledger");
        assertEquals(0, counter[1], "nothing held once the leases are given back");
    }

    /** Script calls that requests cause: admission, settlement, seeding, and lease calls that grow a lease. */
    long requestDriven() {
        return scripts.calls(RedisScripts.ADMIT) + scripts.calls(RedisScripts.SETTLE) + scripts.calls(RedisScripts.SEED)
                + leases.growCalls();
    }

    /** The budget counter's spent and held. */
    long[] budget(String pattern) {
        Response keys = redis.send(Request.cmd(Command.KEYS).arg(pattern)).await().indefinitely();
        List<String> counters = new java.util.ArrayList<>();
        for (Response key : keys) {
            String name = key.toString();
            if (!name.endsWith(":h") && !name.endsWith(":L")) {
                counters.add(name);
            }
        }
        assertEquals(1, counters.size(), counters.toString());
        Response r = redis.send(Request.cmd(Command.HMGET).arg(counters.get(0)).arg("spent").arg("held")).await()
                .indefinitely();
        return new long[]{r.get(0).toLong(), r.get(1) == null ? 0 : r.get(1).toLong()};
    }
}
