package dev.tokenledger.admission;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.limits.Window;
import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.testing.Upstreams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The life of a budget hold: settled once whatever happens, partial for a cancelled stream, and released by its TTL
 * when the replica that took it died before settling.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class HoldsTest {

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    Redis redis;

    @Inject
    RedisScripts scripts;

    @BeforeEach
    void upstream() {
        Tenant.serveOnly(gateway, "budget-model");
    }

    /** The Redis counter of a key's monthly (UTC) budget, as the gateway names it. */
    static String budgetKey(Tenant tenant) {
        Window month = Window.of("month", ZoneId.of("UTC"), Instant.now(), Instant.now(), 30);
        return Plans.tag(UUID.fromString(tenant.orgId())) + "bud:key:" + tenant.keyId() + ":" + month.id();
    }

    long field(String key, String name) {
        Response r = redis.send(Request.cmd(Command.HGET).arg(key).arg(name)).await().indefinitely();
        return r == null ? 0 : r.toLong();
    }

    void monthlyBudget(Tenant tenant, String usd) {
        Tenant.limits("key", tenant.keyId(), "{\"budget\":{\"amountUsd\":\"" + usd + "\",\"window\":\"month\"}}");
    }

    @Test
    void settlingTwiceChangesNothing() throws Exception {
        Tenant tenant = Tenant.create();
        monthlyBudget(tenant, "1.00");
        var responses = Tenant.burst(gateway, tenant.key(), Tenant.body("mock/budget-model", 100, false), 1);
        assertEquals(200, responses.get(0).statusCode());
        String requestId = responses.get(0).headers().firstValue("x-request-id").orElseThrow();
        Tenant.ledger("key_id", tenant.keyId(), 1);
        String key = budgetKey(tenant);
        awaitField(key, "spent", 1000);
        assertEquals(0, field(key, "held"));

        // the same settlement again, even with another amount: the done marker makes it a no-op
        String done = Plans.tag(UUID.fromString(tenant.orgId())) + "done:" + requestId;
        Response again = scripts.run(RedisScripts.SETTLE, List.of(done, key), List.of(requestId, "86400000", "1",
                "10000", "60000", "0", "q", "2", "1000", "5000", "0", "0")).await().indefinitely();
        assertEquals("DUP", again.get(0).toString());
        assertEquals(1000, field(key, "spent"));
        assertEquals(0, field(key, "held"));
        // the marker lives the settled TTL (1 h), not a day: Redis memory is that many markers, not a day's
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(done)).await().indefinitely().toLong();
        assertTrue(ttl > 3_500_000 && ttl <= 3_600_000, "done marker TTL " + ttl + " ms");
    }

    /** A monthly budget of 0.003 USD for the key, one request of 0.001 USD spent from it: answers its counter. */
    String spentOneOfThree(Tenant tenant, String body) throws Exception {
        monthlyBudget(tenant, "0.003");
        assertEquals(200, Tenant.burst(gateway, tenant.key(), body, 1).get(0).statusCode());
        String key = budgetKey(tenant);
        awaitField(key, "spent", 1000);
        return key;
    }

    @Test
    void anExpiredHoldDoesNotRefuseARequestBeforeTheNextRoundSweep() throws Exception {
        Tenant tenant = Tenant.create();
        String body = Tenant.body("mock/budget-model", 100, false);
        String key = spentOneOfThree(tenant, body);

        // a crashed replica's hold of 2000 that lives 300 ms; it is admitted within the second of the last sweep
        Response r = scripts.run(RedisScripts.ADMIT, List.of(key), List.of("crashed-" + UUID.randomUUID(), "300", "1",
                "b", "1", "3000", "2000", "0", "key:crashed")).await().indefinitely();
        assertEquals("OK", r.get(0).toString());
        assertEquals(2000, field(key, "held"));
        Thread.sleep(400);
        // the expired hold alone would refuse this request (1000 spent + 2000 held + its 1000): it is swept first
        var answer = Tenant.burst(gateway, tenant.key(), body, 1).get(0);
        assertEquals(200, answer.statusCode(), answer.body());
        awaitField(key, "spent", 2000);
        assertEquals(0, field(key, "held"));
    }

    @Test
    void holdsOfACrashedReplicaExpireWithTheirTtl() throws Exception {
        Tenant tenant = Tenant.create();
        String body = Tenant.body("mock/budget-model", 100, false);
        String key = spentOneOfThree(tenant, body);

        // another replica admitted two requests (a 1-second hold TTL) and died before settling them: it had answered
        // the first (its ledger row is durable, 700 micro-USD), not the second
        String answered = "crashed-" + UUID.randomUUID();
        String unanswered = "crashed-" + UUID.randomUUID();
        for (String id : List.of(answered, unanswered)) {
            Response r = scripts.run(RedisScripts.ADMIT, List.of(key), List.of(id, "1000", "1", "b", "1", "3000", "1000",
                    "0", "key:crashed")).await().indefinitely();
            assertEquals("OK", r.get(0).toString());
        }
        assertEquals(2000, field(key, "held"));
        answeredRow(tenant, answered, 700);
        var refused = Tenant.burst(gateway, tenant.key(), body, 1).get(0);
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("budget_exceeded"), refused.body());

        Thread.sleep(1500);
        // before any request sweeps them, the admin view no longer counts the expired holds
        JsonPath view = Tenant.master().get("/admin/v1/limits/key/" + tenant.keyId()).then().statusCode(200).extract()
                .jsonPath();
        assertEquals("0.000000", view.getString("usage.find { it.limit == 'budget' }.held"));
        // (what was spent comes from the ledger, the answered orphan's row included)
        assertEquals("0.001300", view.getString("usage.find { it.limit == 'budget' }.remaining"));
        assertEquals(200, Tenant.burst(gateway, tenant.key(), body, 1).get(0).statusCode(),
                "the expired holds still block the budget");
        // the sweep found both orphaned; the reconciliation posts the answered one's use from the ledger, once, and
        // leaves the other (no row: never answered, nothing used)
        awaitField(key, "spent", 2700);
        assertEquals(0, field(key, "held"));
        assertEquals(Tenant.ledger("key_id", tenant.keyId(), 3)[1], field(key, "spent"), "Redis and the ledger differ");
        Thread.sleep(2500); // two more rounds change nothing
        assertEquals(2700, field(key, "spent"));
        String orphans = Plans.tag(UUID.fromString(tenant.orgId())) + "orphans";
        Response left = redis.send(Request.cmd(Command.ZRANGE).arg(orphans).arg(0).arg(-1)).await().indefinitely();
        List<String> ids = new java.util.ArrayList<>();
        left.forEach(id -> ids.add(id.toString()));
        assertEquals(List.of(unanswered), ids);
    }

    /** The ledger row a replica made durable (it answered) before it died. */
    private static void answeredRow(Tenant tenant, String requestId, long micros) throws Exception {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(dev.tokenledger.testing.TestDb.JDBC_URL,
                "postgres", "");
                java.sql.PreparedStatement insert = db.prepareStatement("INSERT INTO usage_event (request_id, created_at, "
                        + "org_id, team_id, key_id, subject, inbound_format, operation, requested_model, status, "
                        + "input_tokens, input_uncached, cache_read_tokens, cache_write_tokens, output_tokens, "
                        + "reasoning_tokens, usage_source, cost_micros, price_status, latency_ms, streamed) VALUES (?, now(), "
                        + "?::uuid, ?::uuid, ?::uuid, 'key', 'openai', 'chat', 'mock/budget-model', 'ok', 10, 10, 0, 0, 70, "
                        + "0, 'reported', ?, 'priced', 5, false)")) {
            insert.setString(1, requestId);
            insert.setString(2, tenant.orgId());
            insert.setString(3, tenant.teamId());
            insert.setString(4, tenant.keyId());
            insert.setLong(5, micros);
            assertEquals(1, insert.executeUpdate());
        }
    }

    @Test
    void theHoldCoversTheDearestDeploymentTheRouteMayFallBackTo() {
        // alias chain: r1/chain-primary, then the fallback alias chain-backup on r2, a hundred times dearer
        Tenant.price("r1", "chain-primary", "0", "1");
        Tenant.price("r2", "chain-backup", "0", "100");
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"budget\":{\"amountUsd\":\"0.005\",\"window\":\"month\",\"hard\":true}}");
        // 100 output tokens: 100 micro-USD on the primary, which fits, but 10,000 if the primary fails, which does not
        var refused = Tenant.burst(gateway, tenant.key(), Tenant.body("chain", 100, false), 1).get(0);
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("\"code\":\"budget_exceeded\""), refused.body());
        assertTrue(refused.body().contains("may cost up to 0.01 USD"), refused.body());
        // a fallback without a price cannot be held at all under a hard budget (alias small: r1/small-context, priced,
        // then the larger-context alias on r2/large-context, not priced)
        Tenant.price("r1", "small-context", "0", "1");
        Tenant unpriced = Tenant.create();
        Tenant.limits("key", unpriced.keyId(), "{\"budget\":{\"amountUsd\":\"5\",\"window\":\"month\",\"hard\":true}}");
        var refusedUnpriced = Tenant.burst(gateway, unpriced.key(), Tenant.body("small", 100, false), 1).get(0);
        assertEquals(403, refusedUnpriced.statusCode(), refusedUnpriced.body());
        assertTrue(refusedUnpriced.body().contains("unpriced_model"), refusedUnpriced.body());
        assertTrue(refusedUnpriced.body().contains("large-context"), refusedUnpriced.body());
    }

    @Test
    void aCancelledStreamSettlesItsPartialCostAndFreesItsSlot() throws Exception {
        Tenant tenant = Tenant.create();
        Tenant.price("dribble", "ticks-200", "1000", "1000");
        Tenant.limits("key", tenant.keyId(), "{\"maxParallel\":1,\"budget\":{\"amountUsd\":\"5\",\"window\":\"month\"}}");
        String body = Tenant.body("dribble/ticks-200", 1000, true);
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + tenant.key()
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder received = new StringBuilder();
            while (received.toString().split("tick", -1).length <= 5) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the stream ended early");
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            assertTrue(received.toString().startsWith("HTTP/1.1 200"), received.toString());
        }
        long[] ledger = Tenant.ledger("key_id", tenant.keyId(), 1);
        assertEquals(1, ledger[0]);
        // the partial use (prompt and the ticks sent) is charged: more than the prompt, far less than the hold
        assertTrue(ledger[1] > 0 && ledger[1] < 1_000_000, "partial cost " + ledger[1]);
        String key = budgetKey(tenant);
        awaitField(key, "spent", ledger[1]);
        assertEquals(0, field(key, "held"), "the stream's hold was not released");
        var next = Tenant.burst(gateway, tenant.key(), Tenant.body("mock/budget-model", 10, false), 1).get(0);
        assertEquals(200, next.statusCode(), "the cancelled stream's concurrency slot was not freed: " + next.body());
    }

    @Test
    void adminReadShowsConsumptionAndWhatRemains() throws Exception {
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"rpm\":100,\"dailyTokens\":100000,\"budget\":{\"amountUsd\":\"0.05\","
                + "\"window\":\"day\",\"timezone\":\"Europe/Berlin\",\"softThreshold\":0.8},"
                + "\"models\":{\"mock/budget-model\":{\"rpm\":10}}}");
        assertEquals(200, Tenant.burst(gateway, tenant.key(), Tenant.body("mock/budget-model", 100, false), 1).get(0)
                .statusCode());
        Tenant.ledger("key_id", tenant.keyId(), 1);
        JsonPath view = Tenant.master().get("/admin/v1/limits/key/" + tenant.keyId()).then().statusCode(200).extract()
                .jsonPath();
        assertEquals("0.05", view.getString("limits.budget.amountUsd"));
        assertEquals(10, view.getInt("limits.models.'mock/budget-model'.rpm"));
        assertEquals("0.001000", view.getString("usage.find { it.limit == 'budget' }.used"));
        assertEquals("0.049000", view.getString("usage.find { it.limit == 'budget' }.remaining"));
        assertEquals(105, view.getLong("usage.find { it.limit == 'daily_tokens' }.used"));
        assertEquals(99, view.getLong("usage.find { it.limit == 'rpm' && it.model == null }.remaining"));
        assertEquals(9, view.getLong("usage.find { it.limit == 'rpm' && it.model != null }.remaining"));
        Tenant.master().body("{\"rpm\":0}").put("/admin/v1/limits/key/" + tenant.keyId()).then().statusCode(400);
        Tenant.master().get("/admin/v1/limits/key/" + UUID.randomUUID()).then().statusCode(404);
    }

    private void awaitField(String key, String name, long expected) throws InterruptedException {
        for (int i = 0; i < 100 && field(key, name) != expected; i++) {
            Thread.sleep(50);
        }
        assertEquals(expected, field(key, name), name + " of " + key);
    }
}
