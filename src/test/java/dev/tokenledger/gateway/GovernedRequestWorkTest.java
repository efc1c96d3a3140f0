package dev.tokenledger.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.PrivateRedis;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deterministic work of one governed request (a virtual key with a request rate, a token rate and a hard budget,
 * as {@code bench/run.sh}'s governed mode sends): Redis commands by name ({@code INFO commandstats} of a Redis of the
 * test's own, commands run inside the admission scripts included) and PostgreSQL transactions and row writes
 * ({@code pg_stat_database} of the test database), counted around {@value #REQUESTS} requests sent one after another,
 * the gateway's background work (heartbeats, lease rounds) measured over an idle stretch and taken off. A change that
 * adds a round trip, a script call or a statement to every governed request fails here instead of showing only as a
 * throughput loss in a benchmark on a busy machine.
 */
@QuarkusTest
@TestProfile(PrivateRedis.Profile.class)
class GovernedRequestWorkTest {

    static final int REQUESTS = 300;
    /** What a request may add to a command's count per request (timing-dependent shares, rounding). */
    static final double SLACK = 0.2;

    /**
     * Redis commands per governed request of this test (a key with a request rate, a token rate and a hard budget):
     * one admission and one settlement script ({@code EVALSHA}) and what the two scripts run inside. Measured the same
     * on main (15244b9) and on fe7fe36. {@code HINCRBY} and {@code PEXPIRE} vary with timing (a key's expiry set
     * again, a window's first use): their bound is the most seen.
     */
    static final Map<String, Double> REDIS_PER_REQUEST = Map.ofEntries(Map.entry("evalsha", 2.0),
            Map.entry("time", 2.0), Map.entry("exists", 1.0), Map.entry("get", 3.0), Map.entry("set", 3.0),
            Map.entry("hmget", 2.0), Map.entry("hincrby", 4.0), Map.entry("zadd", 1.0), Map.entry("zrem", 1.0),
            Map.entry("pexpire", 2.0), Map.entry("del", 0.2), Map.entry("hset", 0.3), Map.entry("zrangebyscore", 0.3));

    /**
     * PostgreSQL per governed request sent alone: the ledger row, written in a transaction of its own, and the daily
     * spend rollup's row it adds to (V191's statement trigger: one update per ledger insert statement, so fewer per
     * request when the writer batches under load).
     */
    static final double PG_TRANSACTIONS = 1.0;
    static final double PG_INSERTED = 1.0;
    static final double PG_UPDATED = 1.0;

    @TestHTTPResource("/")
    URI gateway;

    final HttpClient http = HttpClient.newHttpClient();

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    @Test
    void aGovernedRequestCostsTwoScriptCallsAndOneLedgerTransaction() throws Exception {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id":"c1","object":"chat.completion","created":1,"model":"work-model","choices":[{"index":0,
                         "message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":9,"completion_tokens":9,"total_tokens":18}}""")));
        admin().body(Map.of("provider", "mock", "model", "work-model", "effectiveFrom", "2020-01-01T00:00:00Z", "prices",
                Map.of("inputMtok", "0.15", "outputMtok", "0.6"), "reason", "work per request"))
                .post("/admin/v1/prices").then().statusCode(org.hamcrest.Matchers.oneOf(201, 409));
        String key = governedKey();
        for (int i = 0; i < 30; i++) {
            assertEquals(200, chat(key), "warm-up request " + i);
        }
        Pg pg = Pg.settled();

        Map<String, Long> before = PrivateRedis.commandStats();
        long start = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            assertEquals(200, chat(key), "request " + i);
        }
        long loadNanos = System.nanoTime() - start;
        Map<String, Long> after = PrivateRedis.commandStats();
        Pg pgAfter = Pg.settled();

        // the gateway's own background over an idle stretch, scaled to the load's duration
        long idleMillis = Math.min(15_000, Math.max(5_000, loadNanos / 1_000_000));
        Map<String, Long> idleBefore = PrivateRedis.commandStats();
        Pg pgIdle = Pg.now();
        Thread.sleep(idleMillis);
        Map<String, Long> idleAfter = PrivateRedis.commandStats();
        Pg pgIdleAfter = Pg.now();
        double scale = loadNanos / 1e6 / idleMillis;
        double pgScale = (pgAfter.atMillis - pg.atMillis) / (double) (pgIdleAfter.atMillis - pgIdle.atMillis);

        Map<String, Double> perRequest = new TreeMap<>();
        for (String command : after.keySet()) {
            double background = (idleAfter.getOrDefault(command, 0L) - idleBefore.getOrDefault(command, 0L)) * scale;
            double load = after.get(command) - before.getOrDefault(command, 0L) - background;
            perRequest.put(command, Math.max(0, load) / REQUESTS);
        }
        perRequest.remove("info"); // this test's own
        double transactions = (pgAfter.transactions - pg.transactions
                - (pgIdleAfter.transactions - pgIdle.transactions) * pgScale) / REQUESTS;
        double inserted = (double) (pgAfter.inserted - pg.inserted) / REQUESTS;
        double updated = (double) (pgAfter.updated - pg.updated) / REQUESTS;
        String figures = String.format("transactions %.2f, rows inserted %.2f, updated %.2f per request", transactions,
                inserted, updated);
        List<String> over = new ArrayList<>();
        perRequest.forEach((command, measured) -> {
            double allowed = REDIS_PER_REQUEST.getOrDefault(command, 0.0) + SLACK;
            if (measured > allowed) {
                over.add(String.format("%s: %.2f per request (at most %.2f)", command, measured, allowed));
            }
        });
        assertTrue(over.isEmpty(),
                "Redis commands per governed request grew: " + over + "; all: " + perRequest + "; PostgreSQL: " + figures);
        assertTrue(perRequest.getOrDefault("evalsha", 0.0) >= 1.8, "the counts measure nothing: " + perRequest);

        assertTrue(inserted >= PG_INSERTED - SLACK, "the ledger rows were not counted: " + figures);
        assertTrue(transactions <= PG_TRANSACTIONS + SLACK && inserted <= PG_INSERTED + SLACK
                && updated <= PG_UPDATED + SLACK, "PostgreSQL work per governed request grew: " + figures);
    }

    /** A new key with limits far above what the test reaches: every check runs, nothing is refused. */
    private static String governedKey() {
        return GatewayCalls.newKey("""
                {"rpm":100000000,"tpm":1000000000000,"budget":{"amountUsd":"1000000","window":"month","hard":true}}""")
                .key();
    }

    private int chat(String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"mock/work-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * The test database's counters in {@code pg_stat_database}, read from another database so that the reads are not
     * counted. Backends report their counters up to about ten seconds after going idle: a settled read waits until
     * the rows written stay still (the gateway's background transactions never do).
     */
    record Pg(long transactions, long inserted, long updated, long atMillis) {

        static final String URL = TestDb.JDBC_URL.substring(0, TestDb.JDBC_URL.lastIndexOf('/')) + "/postgres";
        static final String READ = "SELECT xact_commit + xact_rollback, tup_inserted, tup_updated FROM pg_stat_database "
                + "WHERE datname = ?";

        static Pg settled() throws Exception {
            Pg last = now();
            for (int i = 0, still = 0; i < 40 && still < 3; i++) {
                Thread.sleep(1000);
                Pg next = now();
                still = next.inserted == last.inserted && next.updated == last.updated ? still + 1 : 0;
                last = next;
            }
            return last;
        }

        static Pg now() throws Exception {
            try (Connection c = DriverManager.getConnection(URL, "postgres", "");
                    PreparedStatement read = c.prepareStatement(READ)) {
                read.setString(1, TestDb.NAME);
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    return new Pg(rs.getLong(1), rs.getLong(2), rs.getLong(3), System.currentTimeMillis());
                }
            }
        }
    }
}
