package dev.tokenledger.admission;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.admission.limits.LocalLimiter;
import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.limits.Window;
import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.testing.RedisBehindProxy;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis cut off mid-test (through a proxy, the shared server keeps running): hard budgets refuse with 503 in the
 * client's format, rate limits fall back to this replica's share, nothing crashes; when Redis answers again,
 * enforcement resumes by itself and counters lost meanwhile are re-seeded from the ledger.
 */
@QuarkusTest
@TestProfile(RedisBehindProxy.Profile.class)
class RedisOutageTest {

    @TestHTTPResource("/")
    URI gateway;

    @AfterEach
    void restore() {
        RedisBehindProxy.proxy().restore();
    }

    @Test
    void hardBudgetsFailClosedRatesFallBackAndCountersAreReseeded() throws Exception {
        Upstreams.wireMock().resetAll();
        Tenant.answersAll(Upstreams.wireMock(), "budget-model");
        Tenant.price("mock", "budget-model", "0", "10");
        Tenant.warmUp(gateway, "mock/budget-model");
        String body = Tenant.body("mock/budget-model", 100, false);
        Tenant budgeted = Tenant.create();
        Tenant.limits("key", budgeted.keyId(), "{\"budget\":{\"amountUsd\":\"0.003\",\"window\":\"month\",\"hard\":true}}");
        Tenant rated = Tenant.create();
        Tenant.limits("key", rated.keyId(), "{\"rpm\":30}");
        Tenant quota = Tenant.create();
        Tenant.limits("key", quota.keyId(), "{\"dailyTokens\":1000}");
        assertEquals(2, Tenant.count(sequential(budgeted.key(), body, 2), 200));
        assertEquals(2, Tenant.ledger("key_id", budgeted.keyId(), 2)[0]);
        assertEquals(2, Tenant.count(sequential(quota.key(), body, 2), 200)); // 2 x 105 tokens

        RedisBehindProxy.proxy().cut();
        HttpResponse<String> closed = single(budgeted.key(), body);
        assertEquals(503, closed.statusCode(), closed.body());
        assertTrue(closed.body().contains("\"code\":\"budget_unavailable\""), closed.body());
        assertTrue(closed.headers().firstValue("retry-after").isPresent());
        List<HttpResponse<String>> local = sequential(rated.key(), body, 40);
        long admitted = Tenant.count(local, 200);
        assertTrue(admitted >= 30 && admitted <= 33, "the local fallback admitted " + admitted + " of 40 at 30 rpm");
        assertEquals(40 - admitted, Tenant.count(local, 429));
        assertEquals("30", local.get(0).headers().firstValue("x-ratelimit-limit-requests").orElse(null));
        // the quota: what the ledger says remains (790 tokens), each request reserving its prompt and 100 output tokens
        List<HttpResponse<String>> quotaed = sequential(quota.key(), body, 12);
        long withinQuota = Tenant.count(quotaed, 200);
        assertTrue(withinQuota >= 6 && withinQuota <= 7, "the local fallback admitted " + withinQuota
                + " requests of 105 tokens within 790 tokens left");
        assertEquals(12 - withinQuota, Tenant.count(quotaed, 429));
        assertTrue(quotaed.get(11).body().contains("\"code\":\"quota_exceeded\""), quotaed.get(11).body());
        Thread.sleep(LocalLimiter.QUOTA_REFRESH_NANOS / 1_000_000 + 200); // the ledger is read again: still no room
        assertEquals(429, single(quota.key(), body).statusCode());
        long tokens = ledgerTokens(quota.keyId(), 2 + withinQuota);
        assertTrue(tokens <= 1000, "the daily quota of 1000 tokens was overrun during the outage: " + tokens);
        given().get("/q/health/live").then().statusCode(200);
        // Redis loses the budget's counters meanwhile (a restart without persistence)
        deleteKeys(budgeted.orgId());
        // and the quota's: another replica re-seeds it from the ledger, which holds the requests this one admitted
        // during the outage, before this one can post the settlements it kept for them
        String quotaCounter = Plans.tag(UUID.fromString(quota.orgId())) + "qd:key:" + quota.keyId() + ":"
                + Window.of("day", ZoneId.of("UTC"), Instant.now(), Instant.now(), 1).id();
        deleteKeys(quota.orgId());
        TestDb.redisCli("EVAL", RedisScripts.SEED.source(), "1", quotaCounter, String.valueOf(tokens),
                String.valueOf(System.currentTimeMillis() + 86_400_000), ledgerSnapshot());

        RedisBehindProxy.proxy().restore();
        long start = System.nanoTime();
        HttpResponse<String> resumed = single(budgeted.key(), body);
        while (resumed.statusCode() == 503 && System.nanoTime() - start < 10_000_000_000L) {
            Thread.sleep(200);
            resumed = single(budgeted.key(), body);
        }
        assertEquals(200, resumed.statusCode(), resumed.body());
        // re-seeded from the ledger's 2,000 micro-USD: the third request fits, a fourth does not
        HttpResponse<String> fourth = single(budgeted.key(), body);
        assertEquals(429, fourth.statusCode(), fourth.body());
        assertTrue(fourth.body().contains("budget_exceeded"), fourth.body());

        // the kept settlements are posted now; the re-seeded quota counter already holds their rows: not counted twice
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!given().get("/q/metrics").asString().contains("tokenledger_admission_settlements_pending 0.0")) {
            assertTrue(System.nanoTime() < deadline, "the kept settlements were not posted");
            Thread.sleep(200);
        }
        assertEquals(String.valueOf(tokens), TestDb.redisCli("HGET", quotaCounter, "spent").trim(),
                "the re-seeded quota counter differs from the ledger");
    }

    /** The snapshot a read of the ledger runs under now (which transactions' rows it sees). */
    private static String ledgerSnapshot() throws Exception {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                java.sql.ResultSet r = db.createStatement().executeQuery("SELECT pg_current_snapshot()::text")) {
            r.next();
            return r.getString(1);
        }
    }

    /** The tokens in and out the ledger charged to a key, once {@code rows} rows are there. */
    private static long ledgerTokens(String keyId, long rows) throws Exception {
        Tenant.ledger("key_id", keyId, rows);
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                java.sql.PreparedStatement q = db.prepareStatement("SELECT coalesce(sum(input_tokens + output_tokens), 0) "
                        + "FROM usage_event WHERE key_id = ?::uuid")) {
            q.setString(1, keyId);
            try (java.sql.ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private HttpResponse<String> single(String key, String body) {
        return Tenant.burst(gateway, key, body, 1).get(0);
    }

    private List<HttpResponse<String>> sequential(String key, String body, int n) {
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            responses.add(single(key, body));
        }
        return responses;
    }

    /** Deletes an organization's keys straight on the Redis server, past the cut proxy. */
    private static void deleteKeys(String orgId) throws IOException, InterruptedException {
        String keys = TestDb.redisCli("--scan", "--pattern", "tl:{o:" + orgId + "}:*");
        List<String> del = new ArrayList<>(List.of("DEL"));
        del.addAll(keys.lines().filter(l -> !l.isBlank()).toList());
        assertTrue(del.size() > 1, "no counters found for org " + orgId + ": " + keys);
        TestDb.redisCli(del.toArray(String[]::new));
    }
}
