package dev.tokenledger.admission;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.testing.VirtualKey;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;

/**
 * A fresh organization with one team and one virtual key, created through the admin API, and the calls admission
 * tests make: set limits, send bursts of chat requests, read the ledger.
 */
record Tenant(String orgId, String teamId, String keyId, String key) {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static RequestSpecification master() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    static Tenant create() {
        VirtualKey key = GatewayCalls.newKey(null);
        return new Tenant(key.orgId(), key.teamId(), key.id(), key.key());
    }

    /** A second key in the same team. */
    String anotherKey() {
        return GatewayCalls.keyInTeam(teamId, "other");
    }

    static void limits(String scope, String id, String json) {
        master().body(json).put("/admin/v1/limits/" + scope + "/" + id).then().statusCode(200);
    }

    /** Prices a model of a provider (per million tokens), effective since 2020. */
    static void price(String provider, String model, String inputMtok, String outputMtok) {
        master().body(Map.of("provider", provider, "model", model, "effectiveFrom", "2020-01-01T00:00:00Z", "prices",
                Map.of("inputMtok", inputMtok, "outputMtok", outputMtok), "reason", "admission test"))
                .post("/admin/v1/prices").then().statusCode(org.hamcrest.Matchers.oneOf(201, 409));
    }

    /**
     * Sends requests under the master key (no limits) until one is answered, so that a cold, busy JVM does not time
     * out a test's first measured request.
     */
    static void warmUp(URI gateway, String model) {
        for (int i = 0; i < 10; i++) {
            if (burst(gateway, dev.tokenledger.testing.OpenAiFixtures.MASTER, body(model, 10, false), 1).get(0)
                    .statusCode() == 200) {
                return;
            }
        }
    }

    /**
     * Makes the shared mock upstream answer a model with a completion of 5 prompt and 100 output tokens, after
     * {@code delayMs}.
     */
    static void answers(String model, int delayMs) {
        answers(Upstreams.wireMock(), model, delayMs);
    }

    /** {@link #answers(String, int)} on another upstream. */
    static void answers(WireMockServer upstream, String model, int delayMs) {
        upstream.stubFor(post("/v1/chat/completions").withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(completion(model).withFixedDelay(delayMs)));
    }

    /** Makes an upstream answer every chat request, whatever its model, with that completion naming {@code model}. */
    static void answersAll(WireMockServer upstream, String model) {
        upstream.stubFor(post("/v1/chat/completions").willReturn(completion(model)));
    }

    private static ResponseDefinitionBuilder completion(String model) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(AdmissionConcurrencyTest.COMPLETION.formatted(model));
    }

    /**
     * Resets the shared mock upstream to answer {@code model} alone ({@link #answers(String, int)}), prices it at 10 USD
     * per million output tokens (1,000 micro-USD a request) and warms the gateway up on it.
     */
    static void serveOnly(URI gateway, String model) {
        Upstreams.wireMock().resetAll();
        answers(model, 0);
        price("mock", model, "0", "10");
        warmUp(gateway, "mock/" + model);
    }

    static String body(String model, int maxTokens, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    /** Sends {@code n} chat requests at once and answers their responses. */
    static List<HttpResponse<String>> burst(URI gateway, String key, String body, int n) {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            futures.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    static long count(List<HttpResponse<String>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).count();
    }

    /** Ledger rows and their settled cost for a key, once {@code rows} rows are there. */
    static long[] ledger(String column, String id, long rows) throws SQLException, InterruptedException {
        long[] found = {0, 0};
        for (int i = 0; i < 100; i++) {
            try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                    PreparedStatement q = db.prepareStatement("SELECT count(*), coalesce(sum(cost_micros), 0) "
                            + "FROM usage_event WHERE " + column + " = ?::uuid")) {
                q.setString(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    found = new long[]{rs.getLong(1), rs.getLong(2)};
                }
            }
            if (found[0] >= rows) {
                return found;
            }
            Thread.sleep(50);
        }
        return found;
    }
}
