package dev.tokenledger.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.tokenledger.json.Json;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.PackagedGateway;
import dev.tokenledger.testing.PackagedGateway.Replica;
import dev.tokenledger.testing.Replicas;
import dev.tokenledger.testing.UpstreamConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capacity leases across two packaged replicas on one Redis: a replica holding a large lease gives it back when the
 * other starves near the limit, and on shutdown; the budget is used exactly, never exceeded. Leases live a minute
 * here, so that only those two ways can give one back within the test.
 */
class LeasesIT {

    /** Requests the budget pays for (1,000 micro-USD each: 100 output tokens at 10 USD per million). */
    static final int N = 1_000;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Replicas replicas = new Replicas();
    WireMockServer upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = UpstreamConfig.completing(128, TwoReplicasIT.COMPLETION);
        replicas.start(2, spool -> PackagedGateway.replica(upstream.baseUrl(), spool, Map.of(
                "TOKENLEDGER_ADMISSION_LIMITS_REFRESH", "300ms",
                "TOKENLEDGER_LEDGER_PRICE_REFRESH", "1s",
                "TOKENLEDGER_ADMISSION_LEASES_ENABLED", "true",
                "TOKENLEDGER_ADMISSION_LEASES_TTL", "60s"), Map.of()));
    }

    @AfterEach
    void stop() throws Exception {
        replicas.kill();
        upstream.stop();
    }

    @Test
    void aStarvingReplicaGetsTheOtherOnesLease() throws Exception {
        String[] key = budgetedKey();
        int a = replicas.get(0).port();
        int b = replicas.get(1).port();
        long first = ok(burst(a, key[1], 300));
        assertEquals(300, first);
        String held = held(key[0]);
        assertTrue(new java.math.BigDecimal(held).compareTo(new java.math.BigDecimal("0.010")) >= 0,
                "replica A holds no large lease: held " + held);

        // B alone uses what is left: it can only reach the end through A's lease, which A gives back when B starves
        long second = 0;
        for (int i = 0; i < 40 && second < N - first; i++) {
            second += ok(burst(b, key[1], 25));
        }
        assertEquals(N, first + second, "requests admitted on a budget for " + N);
        assertEquals(0, ok(burst(b, key[1], 20)), "the budget is used up");
        assertEquals(0, ok(burst(a, key[1], 20)), "the budget is used up");
        assertEquals((long) N * 1000, TwoReplicasIT.spent(key[0], N), "settled spend");
    }

    @Test
    void aReplicaShutDownGivesItsLeaseBack() throws Exception {
        String[] key = budgetedKey();
        Replica a = replicas.get(0);
        assertEquals(300, ok(burst(a.port(), key[1], 300)));
        assertTrue(new java.math.BigDecimal(held(key[0])).signum() > 0, "replica A holds no lease");

        a.process().destroy(); // graceful: SIGTERM
        assertTrue(a.process().waitFor(30, TimeUnit.SECONDS), "replica A did not stop");
        assertEquals("0.000000", held(key[0]), "A's lease is still held after it stopped");

        int b = replicas.get(1).port();
        long second = 0;
        for (int i = 0; i < 40 && second < N - 300; i++) {
            second += ok(burst(b, key[1], 25));
        }
        assertEquals(N - 300, second, "what A leased is usable by B at once");
        assertEquals((long) N * 1000, TwoReplicasIT.spent(key[0], N), "settled spend");
    }

    /** A key of a fresh organization with a hard budget for {@link #N} requests, known to both replicas. */
    String[] budgetedKey() throws Exception {
        HttpResponse<String> priced = admin("POST", "/admin/v1/prices", "{\"provider\":\"openai\",\"model\":"
                + "\"lease-model\",\"effectiveFrom\":\"2020-01-01T00:00:00Z\",\"prices\":{\"inputMtok\":\"0\","
                + "\"outputMtok\":\"10\"},\"reason\":\"test rate\"}");
        assertTrue(priced.statusCode() == 201 || priced.statusCode() == 409, priced.body());
        String org = created("/admin/v1/orgs", "{\"name\":\"leases-" + System.nanoTime() + "\"}");
        String team = created("/admin/v1/teams", "{\"name\":\"t\",\"orgId\":\"" + org + "\"}");
        HttpResponse<String> key = admin("POST", "/admin/v1/keys", "{\"name\":\"k\",\"teamId\":\"" + team + "\"}");
        var node = Json.parseObject(key.body().getBytes());
        String keyId = node.get("id").asText();
        assertEquals(200, admin("PUT", "/admin/v1/limits/key/" + keyId, "{\"budget\":{\"amountUsd\":\""
                + java.math.BigDecimal.valueOf(N * 1000L, 6).toPlainString() + "\",\"window\":\"month\",\"hard\":true}}")
                .statusCode());
        Thread.sleep(3000); // the other replica reloads the limits and prices
        for (Replica replica : replicas) {
            burst(replica.port(), OpenAiFixtures.MASTER, 20); // warm up (no limits)
        }
        return new String[]{keyId, node.get("key").asText()};
    }

    /** What the budget's counter holds, in USD, as the admin API shows it. */
    String held(String keyId) throws Exception {
        String body = admin("GET", "/admin/v1/limits/key/" + keyId, "").body();
        var usage = Json.parseObject(body.getBytes()).get("usage");
        for (var entry : usage) {
            if (entry.has("held")) {
                return entry.get("held").asText();
            }
        }
        throw new AssertionError("no held amount: " + body);
    }

    HttpResponse<String> admin(String method, String path, String json) throws Exception {
        int port = replicas.get(replicas.get(0).process().isAlive() ? 0 : 1).port();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + OpenAiFixtures.MASTER).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    String created(String path, String json) throws Exception {
        HttpResponse<String> r = admin("POST", path, json);
        assertEquals(201, r.statusCode(), r.body());
        return Json.parseObject(r.body().getBytes()).get("id").asText();
    }

    /** {@code n} requests to one replica, 25 at a time. */
    List<HttpResponse<String>> burst(int port, String key, int n) {
        List<HttpResponse<String>> all = new ArrayList<>(n);
        for (int done = 0; done < n; done += 25) {
            List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < Math.min(25, n - done); i++) {
                futures.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"lease-model\",\"max_tokens\":100,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            futures.forEach(f -> all.add(f.join()));
        }
        return all;
    }

    static long ok(List<HttpResponse<String>> responses) {
        return responses.stream().filter(r -> r.statusCode() == 200).count();
    }
}
