package dev.tokenledger.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.tokenledger.json.Json;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.PackagedGateway;
import dev.tokenledger.testing.Replicas;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.UpstreamConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged replicas on one Redis and one PostgreSQL, with every periodic reload an hour apart: an admin change
 * made through one replica is applied by the other within a second, through the change channel alone; a replica
 * whose subscription was cut reloads what it missed.
 */
class AdminCoherenceIT {

    static final long WITHIN_MILLIS = 1000;
    static final String COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}";

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Replicas replicas = new Replicas();
    final String channel = "tokenledger:changes:it-" + UUID.randomUUID();
    WireMockServer upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = UpstreamConfig.completing(0, COMPLETION);
        replicas.start(2, spool -> PackagedGateway.replica(upstream.baseUrl(), spool, Map.of(
                "TOKENLEDGER_COHERENCE_CHANNEL", channel,
                // the backstops an hour apart: whatever arrives within a second came over the change channel
                "TOKENLEDGER_ADMISSION_LIMITS_REFRESH", "1h",
                "TOKENLEDGER_KEYS_CACHE_TTL", "1h",
                "TOKENLEDGER_LEDGER_PRICE_REFRESH", "1h"), Map.of()));
    }

    @AfterEach
    void stop() throws Exception {
        replicas.kill();
        upstream.stop();
    }

    HttpResponse<String> get(int port, String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An admin call through replica {@code replica}. */
    HttpResponse<String> admin(int replica, String method, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicas.port(replica) + path))
                .header("Authorization", "Bearer " + OpenAiFixtures.MASTER).header("Content-Type", "application/json")
                .method(method, json == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    String created(String path, String json, String field) throws Exception {
        HttpResponse<String> r = admin(0, "POST", path, json);
        assertEquals(201, r.statusCode(), r.body());
        return Json.parseObject(r.body().getBytes()).get(field).asText();
    }

    /** A key of a fresh organization: its id and the key. */
    String[] key() throws Exception {
        String org = created("/admin/v1/orgs", "{\"name\":\"coherence-" + System.nanoTime() + "\"}", "id");
        String team = created("/admin/v1/teams", "{\"name\":\"t\",\"orgId\":\"" + org + "\"}", "id");
        HttpResponse<String> key = admin(0, "POST", "/admin/v1/keys", "{\"name\":\"k\",\"teamId\":\"" + team + "\"}");
        assertEquals(201, key.statusCode(), key.body());
        var node = Json.parseObject(key.body().getBytes());
        return new String[]{node.get("id").asText(), node.get("key").asText()};
    }

    int models(int replica, String key) throws Exception {
        return get(replicas.port(replica), "/v1/models", key).statusCode();
    }

    int chat(int replica, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicas.port(replica)
                + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"coherence-model\",\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** How long until {@code probe} answers a status {@code until} accepts, checked every 20 ms for 5 s. */
    static long millisUntil(IntPredicate until, Probe probe) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
            if (until.test(probe.status())) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            Thread.sleep(20);
        }
        return Long.MAX_VALUE;
    }

    interface Probe {
        int status() throws Exception;
    }

    @Test
    void aKeyRevokedThroughOneReplicaIsRefusedByTheOtherWithinASecond() throws Exception {
        String[] key = key();
        assertEquals(200, models(1, key[1]), "the other replica knows the key (and caches it)");

        assertEquals(200, admin(0, "POST", "/admin/v1/keys/" + key[0] + "/disable", null).statusCode());
        long disabled = millisUntil(s -> s == 401, () -> models(1, key[1]));
        assertTrue(disabled <= WITHIN_MILLIS, "disabled key served by the other replica for " + disabled + " ms");

        assertEquals(200, admin(0, "POST", "/admin/v1/keys/" + key[0] + "/enable", null).statusCode());
        long enabled = millisUntil(s -> s == 200, () -> models(1, key[1]));
        assertTrue(enabled <= WITHIN_MILLIS, "enabled key refused by the other replica for " + enabled + " ms");

        assertEquals(200, admin(0, "DELETE", "/admin/v1/keys/" + key[0], null).statusCode());
        long revoked = millisUntil(s -> s == 401, () -> models(1, key[1]));
        assertTrue(revoked <= WITHIN_MILLIS, "revoked key served by the other replica for " + revoked + " ms");
        assertEquals(401, models(0, key[1]));
    }

    @Test
    void aLimitSetThroughOneReplicaIsEnforcedByBothWithinASecond() throws Exception {
        HttpResponse<String> price = admin(0, "POST", "/admin/v1/prices", "{\"provider\":\"openai\",\"model\":"
                + "\"coherence-model\",\"effectiveFrom\":\"2020-01-01T00:00:00Z\",\"prices\":{\"inputMtok\":\"1\","
                + "\"outputMtok\":\"1\"},\"reason\":\"test rate\"}");
        assertTrue(price.statusCode() == 201 || price.statusCode() == 409, price.body());
        String[] key = key();
        assertEquals(200, chat(0, key[1]));
        assertEquals(200, chat(1, key[1]), "before any limit, both replicas serve the key");

        HttpResponse<String> put = admin(0, "PUT", "/admin/v1/limits/key/" + key[0], "{\"rpm\":2}");
        assertEquals(200, put.statusCode(), put.body());
        Thread.sleep(WITHIN_MILLIS);
        int admitted = 0;
        for (int i = 0; i < 3; i++) {
            for (int replica : new int[]{1, 0}) {
                admitted += chat(replica, key[1]) == 200 ? 1 : 0;
            }
        }
        assertTrue(admitted <= 2, admitted + " of 6 requests admitted by two replicas a second after rpm 2 was set");

        // a patch through the other replica reaches the first just as well
        HttpResponse<String> patch = admin(1, "PATCH", "/admin/v1/limits/key/" + key[0], "{\"rpm\":null,"
                + "\"maxParallel\":50}");
        assertEquals(200, patch.statusCode(), patch.body());
        long lifted = millisUntil(s -> s == 200, () -> chat(0, key[1]));
        assertTrue(lifted <= WITHIN_MILLIS, "the lifted rate limit was still enforced for " + lifted + " ms");
    }

    @Test
    void aReplicaThatLostItsSubscriptionReloadsWhatItMissed() throws Exception {
        String[] key = key();
        assertEquals(200, admin(0, "PUT", "/admin/v1/limits/key/" + key[0], "{\"rpm\":1000}").statusCode());
        assertEquals(200, models(1, key[1]));
        // changes that no replica announced, as if the announcements had been sent while the subscriptions were down
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement limits = db.prepareStatement(
                        "UPDATE scope_limit SET spec = '{\"rpm\":7}' WHERE scope_id = ?::uuid");
                PreparedStatement revoke = db.prepareStatement(
                        "UPDATE api_key SET status = 'revoked' WHERE id = ?::uuid")) {
            limits.setString(1, key[0]);
            assertEquals(1, limits.executeUpdate());
            revoke.setString(1, key[0]);
            assertEquals(1, revoke.executeUpdate());
        }
        Thread.sleep(500);
        assertEquals(200, models(1, key[1]), "nothing told the replica yet");

        int killed = 0;
        for (String line : TestDb.redisCli("CLIENT", "LIST", "TYPE", "pubsub").split("\n")) {
            if (line.contains(" db=" + TestDb.REDIS_DB + " ")) {
                TestDb.redisCli("CLIENT", "KILL", "ID", line.substring(3, line.indexOf(' ')));
                killed++;
            }
        }
        assertTrue(killed >= 2, "subscriptions found: " + killed);
        long reloaded = millisUntil(s -> s == 401, () -> models(1, key[1]));
        assertTrue(reloaded <= 3000, "the revoked key was still served " + reloaded + " ms after the subscription was cut");
        long limits = millisUntil(s -> s == 7, () -> admin(1, "GET", "/admin/v1/limits/key/" + key[0], null).body()
                .contains("\"rpm\":7") ? 7 : 0);
        assertTrue(limits <= 3000, "the limits were not reloaded after the subscription was cut");
    }

    @Test
    void metricsAreOnTheManagementInterfaceOnly() throws Exception {
        assertEquals(404, get(replicas.port(0), "/q/metrics", null).statusCode());
        HttpResponse<String> metrics = get(replicas.get(0).managementPort(), "/q/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("tokenledger_"), metrics.body().substring(0, 200));
        assertEquals(200, get(replicas.port(0), "/q/health/ready", null).statusCode(), "health stays on the API port");
    }
}
