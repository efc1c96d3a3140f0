package dev.tokenledger.admission;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A client that sends one {@code x-request-id} on every request (a replay of the billing id) gains nothing: the
 * budget, the request rate and the concurrency limit admit exactly what they admit to a client that sends none, every
 * upstream call has its own ledger row under an id the gateway minted, and the client's id is kept beside it.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ClientRequestIdReplayTest {

    private static final String REPLAYED = "replayed-billing-id";

    @TestHTTPResource("/")
    URI gateway;

    @BeforeEach
    void upstream() {
        Upstreams.wireMock().resetAll();
        Tenant.answers("replay-model", 0);
        Tenant.answers("replay-slow", 1200);
        Tenant.price("mock", "replay-model", "0", "10");
        Tenant.price("mock", "replay-slow", "0", "10");
        Tenant.warmUp(gateway, "mock/replay-model");
        Upstreams.wireMock().resetRequests();
    }

    @Test
    void aReplayedIdNeitherStretchesAHardBudgetNorMergesLedgerRows() throws Exception {
        Tenant tenant = Tenant.create();
        // five requests of exactly 1,000 micro-USD each
        Tenant.limits("key", tenant.keyId(), "{\"budget\":{\"amountUsd\":\"0.005\",\"window\":\"month\",\"hard\":true}}");
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            responses.add(send(tenant.key(), "mock/replay-model"));
        }
        assertEquals(5, Tenant.count(responses, 200), "admitted on a budget for five");
        assertEquals(7, Tenant.count(responses, 429), "refused");
        int upstreamCalls = upstreamCalls("replay-model");
        assertEquals(5, upstreamCalls, "upstream calls");
        long[] ledger = Tenant.ledger("key_id", tenant.keyId(), upstreamCalls);
        assertEquals(upstreamCalls, ledger[0], "one ledger row per upstream call");
        assertEquals(5_000, ledger[1], "settled spend");

        // every answer names its own server-minted id and echoes the client's beside it
        Set<String> ids = new HashSet<>();
        for (HttpResponse<String> r : responses) {
            String id = r.headers().firstValue("x-request-id").orElseThrow();
            assertNotEquals(REPLAYED, id);
            ids.add(id);
            assertEquals(REPLAYED, r.headers().firstValue("x-client-request-id").orElse(null));
        }
        assertEquals(responses.size(), ids.size(), "request ids are unique");
        assertEquals(5, clientIdRows(tenant.keyId()), "the client's id is kept on each row");
    }

    @Test
    void aReplayedIdDoesNotShareARateOrAConcurrencySlot() {
        Tenant rated = Tenant.create();
        Tenant.limits("key", rated.keyId(), "{\"rpm\":4}");
        List<HttpResponse<String>> sequential = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sequential.add(send(rated.key(), "mock/replay-model"));
        }
        assertEquals(4, Tenant.count(sequential, 200), "admitted at 4 rpm");

        Tenant parallel = Tenant.create();
        Tenant.limits("key", parallel.keyId(), "{\"maxParallel\":2}");
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(Tenant.HTTP.sendAsync(request(parallel.key(), "mock/replay-slow"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> concurrent = futures.stream().map(CompletableFuture::join).toList();
        assertEquals(2, Tenant.count(concurrent, 200), "admitted at maxParallel 2");
        assertEquals(18, Tenant.count(concurrent, 429), "refused");
    }

    private HttpResponse<String> send(String key, String model) {
        return Tenant.HTTP.sendAsync(request(key, model), HttpResponse.BodyHandlers.ofString()).join();
    }

    private HttpRequest request(String key, String model) {
        return HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("x-request-id", REPLAYED)
                .POST(HttpRequest.BodyPublishers.ofString(Tenant.body(model, 100, false))).build();
    }

    private static int upstreamCalls(String model) {
        return Upstreams.wireMock().countRequestsMatching(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model))).build()).getCount();
    }

    private static long clientIdRows(String keyId) throws Exception {
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = db.prepareStatement("SELECT count(*) FROM usage_event WHERE key_id = ?::uuid "
                        + "AND client_request_id = ? AND request_id <> client_request_id")) {
            q.setString(1, keyId);
            q.setString(2, REPLAYED);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
