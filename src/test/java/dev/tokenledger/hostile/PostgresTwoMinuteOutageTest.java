package dev.tokenledger.hostile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import dev.tokenledger.auth.VirtualKeys;
import dev.tokenledger.json.Json;
import dev.tokenledger.testing.Await;
import dev.tokenledger.testing.DefaultKeysLedger;
import dev.tokenledger.testing.DurableLedger;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL cut off for two minutes, with the key cache as shipped (30 s TTL, 1 h max-stale): steady traffic from
 * keys the replica knew, on the OpenAI, Anthropic and Gemini endpoints, streamed and not, is served throughout; keys it
 * never saw (issued ones and forged ones) are refused with 503 in each endpoint's shape (Anthropic's 529); nothing
 * answers 500; readiness stays UP and says degraded; and once the database is back every answered request is in the
 * ledger exactly once.
 */
@QuarkusTest
@TestProfile(DefaultKeysLedger.Profile.class)
class PostgresTwoMinuteOutageTest {

    static final Duration CUT = Duration.ofMinutes(2);

    @TestHTTPResource("/")
    URI gateway;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @AfterAll
    static void restore() {
        if (DurableLedger.proxy() != null) {
            DurableLedger.proxy().restore();
        }
    }

    /** One endpoint a client may call: its path, body, and how it says "unavailable". */
    record Endpoint(String name, String path, String body, int unavailable) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("openai", "/v1/chat/completions", "{\"model\":\"gpt-test\",\"stream\":false,\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"outage\"}]}", 503),
            new Endpoint("openai stream", "/v1/chat/completions", "{\"model\":\"gpt-test\",\"stream\":true,\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"outage\"}]}", 503),
            new Endpoint("anthropic", "/v1/messages", "{\"model\":\"gpt-test\",\"max_tokens\":16,\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"outage\"}]}", 529),
            new Endpoint("gemini", "/v1beta/models/gpt-test:generateContent",
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"outage\"}]}]}", 503));

    @Test
    void twoMinutesWithoutPostgresServeKnownKeysRefuseUnknownOnesAndLoseNoLedgerRow() throws Exception {
        Upstreams.wireMock().stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1)
                .withRequestBody(containing("\"stream\":true"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiFixtures.STREAM)));
        // the Anthropic and Gemini requests are translated without a stream field
        Upstreams.wireMock().stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(2)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(OpenAiFixtures.COMPLETION)));
        String orgId = admin().body(Map.of("name", "long-outage-" + System.nanoTime())).post("/admin/v1/orgs")
                .then().statusCode(201).extract().path("id");
        String teamId = admin().body(Map.of("name", "t", "orgId", orgId)).post("/admin/v1/teams")
                .then().statusCode(201).extract().path("id");
        List<String> known = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            known.add(admin().body(Map.of("name", "known-" + i, "teamId", teamId)).post("/admin/v1/keys")
                    .then().statusCode(201).extract().path("key"));
        }
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            unknown.add(admin().body(Map.of("name", "unseen-" + i, "teamId", teamId)).post("/admin/v1/keys")
                    .then().statusCode(201).extract().path("key"));
        }
        Queue<String> answered = new ConcurrentLinkedQueue<>();
        for (String key : known) {
            HttpResponse<String> first = send(key, ENDPOINTS.get(0));
            assertEquals(200, first.statusCode(), first.body());
            answered.add(first.headers().firstValue("x-request-id").orElseThrow());
        }

        Queue<String> problems = new ConcurrentLinkedQueue<>();
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        Queue<String> readiness = new ConcurrentLinkedQueue<>();
        DurableLedger.proxy().cut();
        long cutAt = System.nanoTime();
        ExecutorService traffic = Executors.newFixedThreadPool(known.size() + 1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int k = 0; k < known.size(); k++) {
                String key = known.get(k);
                int offset = k;
                workers.add(traffic.submit(() -> {
                    for (int i = offset; System.nanoTime() - cutAt < CUT.toNanos(); i++) {
                        Endpoint endpoint = ENDPOINTS.get(i % ENDPOINTS.size());
                        HttpResponse<String> r = send(key, endpoint);
                        statuses.merge("known " + r.statusCode(), 1, Integer::sum);
                        if (r.statusCode() == 200) {
                            answered.add(r.headers().firstValue("x-request-id").orElseThrow());
                        } else {
                            problems.add("known key on " + endpoint.name() + " at " + elapsed(cutAt) + ": "
                                    + r.statusCode() + " " + r.body());
                        }
                        Thread.sleep(150);
                    }
                    return null;
                }));
            }
            workers.add(traffic.submit(() -> {
                for (int i = 0; System.nanoTime() - cutAt < CUT.toNanos(); i++) {
                    // issued keys this replica never looked up, and forged well-formed keys, on every endpoint
                    String key = i % 3 == 2 ? VirtualKeys.generate() : unknown.get(i % 2);
                    Endpoint endpoint = ENDPOINTS.get(i % ENDPOINTS.size());
                    HttpResponse<String> r = send(key, endpoint);
                    statuses.merge("unknown " + r.statusCode(), 1, Integer::sum);
                    String shape = unavailableShape(endpoint, r);
                    if (shape != null) {
                        problems.add("unknown key on " + endpoint.name() + " at " + elapsed(cutAt) + ": " + shape);
                    }
                    if (i % 10 == 9) {
                        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(gateway.resolve("/q/health/ready"))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                        readiness.add(ready.statusCode() + " keys=" + check(ready.body(), "keys") + " postgresql="
                                + check(ready.body(), "postgresql"));
                    }
                    Thread.sleep(500);
                }
                return null;
            }));
            for (Future<?> worker : workers) {
                worker.get(CUT.toSeconds() + 120, TimeUnit.SECONDS);
            }
            assertTrue(DurableLedger.proxy().isCut());
        } finally {
            traffic.shutdownNow();
            DurableLedger.proxy().restore();
        }
        long cutMillis = (System.nanoTime() - cutAt) / 1_000_000;
        System.out.printf("two-minute outage: cut %d ms, answers %s, readiness %s%n", cutMillis, statuses, readiness);

        assertTrue(cutMillis >= CUT.toMillis(), "the cut lasted " + cutMillis + " ms");
        assertEquals(List.of(), problems.stream().limit(20).toList(),
                problems.size() + " answers other than 200 for known keys and 503 in shape for "
                        + "unknown ones; all answers: " + statuses);
        assertTrue(statuses.getOrDefault("known 200", 0) >= 300, "steady traffic: " + statuses);
        assertTrue(statuses.getOrDefault("unknown 503", 0) + statuses.getOrDefault("unknown 529", 0) >= 150,
                "unknown keys all along: " + statuses);
        assertTrue(readiness.size() >= 10, readiness.toString());
        assertTrue(readiness.stream().allMatch(r -> r.equals("200 keys=degraded postgresql=degraded")),
                "readiness stays UP and says degraded: " + readiness);

        // back: keys never seen are looked up again and served; readiness recovers
        waitFor("an unseen key to be served once the database is back", () -> {
            HttpResponse<String> r = send(unknown.get(0), ENDPOINTS.get(0));
            if (r.statusCode() == 200) {
                answered.add(r.headers().firstValue("x-request-id").orElseThrow());
            }
            return r.statusCode() == 200;
        });
        given().get("/q/health/ready").then().statusCode(200);
        assertEquals("ok", check(given().get("/q/health/ready").asString(), "keys"));
        List<String> ids = List.copyOf(answered);
        waitFor("every answered request to be in the ledger", () -> rows(ids)[0] == ids.size());
        long[] rows = rows(ids);
        assertEquals(ids.size(), rows[0], "ledger rows of the answered requests");
        assertEquals(ids.size(), rows[1], "each answered request in the ledger exactly once");
        System.out.printf("two-minute outage: all %d answered requests in the ledger once%n", ids.size());
    }

    private HttpResponse<String> send(String key, Endpoint endpoint) throws Exception {
        return http.send(HttpRequest.newBuilder(gateway.resolve(endpoint.path())).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("anthropic-version", "2023-06-01")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(endpoint.body()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Null when the answer is the endpoint's own "unavailable, retry" error; else what is wrong with it. */
    private static String unavailableShape(Endpoint endpoint, HttpResponse<String> r) {
        JsonNode error = Json.tryParseObject(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        boolean shaped = r.statusCode() == endpoint.unavailable() && error != null && switch (endpoint.name()) {
            case "anthropic" -> "error".equals(error.path("type").asText())
                    && "overloaded_error".equals(error.path("error").path("type").asText());
            case "gemini" -> error.path("error").path("code").asInt() == 503
                    && "UNAVAILABLE".equals(error.path("error").path("status").asText());
            default -> "service_unavailable".equals(error.path("error").path("type").asText());
        };
        return shaped ? null : r.statusCode() + " " + r.body();
    }

    private static String check(String health, String name) {
        JsonNode root = Json.tryParseObject(health.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (root != null) {
            for (JsonNode check : root.path("checks")) {
                if (name.equals(check.path("name").asText())) {
                    return check.path("data").path("state").asText();
                }
            }
        }
        return "absent";
    }

    private static String elapsed(long since) {
        return (System.nanoTime() - since) / 1_000_000 + " ms";
    }

    /** Ledger rows of these requests, and distinct requests among them. */
    private static long[] rows(List<String> ids) throws Exception {
        try (Connection db = DurableLedger.db();
                PreparedStatement q = db.prepareStatement(
                        "SELECT count(*), count(DISTINCT request_id) FROM usage_event WHERE request_id = ANY(?)")) {
            q.setArray(1, db.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static void waitFor(String what, Await.Condition condition) throws Exception {
        Await.until(what, Duration.ofSeconds(60), Duration.ofMillis(500), condition);
    }

    private static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }
}
