package dev.tokenledger.routing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;

/** Requests, upstream stubs per upstream model, and ledger and deployment look-ups for the routing tests. */
final class RoutingFixtures {

    /** Makes every run's requests differ, so that answers cached by an earlier run are never served. */
    static final String RUN = Long.toString(System.nanoTime(), 36);

    private RoutingFixtures() {
    }

    /** A chat completion whose text is {@code text}. */
    static String completion(String text) {
        return OpenAiFixtures.COMPLETION.replace("Hello there!", text);
    }

    /** An OpenAI stream whose text is {@code text} (in two chunks), usage, then [DONE]. */
    static String stream(String text) {
        String half = text.substring(0, text.length() / 2);
        return OpenAiFixtures.STREAM.replace("\"Hel\"", json(half)).replace("\"lo 🙂\"", json(text.substring(half.length())));
    }

    private static String json(String s) {
        return "\"" + s.replace("\"", "\\\"") + "\"";
    }

    /** Stubs what one upstream model answers. */
    static void answer(WireMockServer server, String model, ResponseDefinitionBuilder response) {
        server.stubFor(post("/v1/chat/completions").withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(response));
    }

    static void answerText(WireMockServer server, String model, String text) {
        answer(server, model, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(completion(text)));
    }

    static void answerStream(WireMockServer server, String model, String text) {
        answer(server, model, aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(stream(text)));
    }

    /** How often an upstream model was called. */
    static int calls(WireMockServer server, String model) {
        return server.countRequestsMatching(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model))).build()).getCount();
    }

    static RequestSpecification client() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    static Response chat(String model) {
        return chat(client(), model, "");
    }

    /** A chat request; {@code extra} is more JSON fields, e.g. {@code ,"stream":true}. */
    static Response chat(RequestSpecification spec, String model, String extra) {
        return spec.body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi " + RUN + "\"}]"
                + extra + "}").post("/v1/chat/completions");
    }

    static String text(Response response) {
        return response.then().statusCode(200).extract().jsonPath().getString("choices[0].message.content");
    }

    /** The ledger rows of a request once written: count, provider, upstream model and status of the row. */
    record LedgerRows(int count, String provider, String upstreamModel, String status, long outputTokens,
            String usageSource, boolean cached, Long costMicros, Long savingMicros) {
    }

    static LedgerRows ledger(String requestId) throws Exception {
        for (int i = 0; i < 200; i++) {
            LedgerRows rows = query(requestId);
            if (rows.count() > 0) {
                Thread.sleep(50); // a second row would have arrived in the same batch window
                return query(requestId);
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no ledger row for " + requestId);
    }

    private static LedgerRows query(String requestId) throws Exception {
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = db.prepareStatement("SELECT count(*) OVER (), provider, upstream_model, status, "
                        + "output_tokens, usage_source, cached, cost_micros, saving_micros FROM usage_event WHERE request_id = ?")) {
            q.setString(1, requestId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return new LedgerRows(0, null, null, null, 0, null, false, null, null);
                }
                return new LedgerRows(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getString(6), rs.getBoolean(7), (Long) rs.getObject(8), (Long) rs.getObject(9));
            }
        }
    }

    /** One deployment as {@code GET /admin/v1/deployments} shows it. */
    static Map<String, Object> deployment(String id) {
        JsonPath all = client().get("/admin/v1/deployments").then().statusCode(200).extract().jsonPath();
        Map<String, Object> found = all.getMap("find { it.id == '" + id + "' }");
        if (found == null) {
            throw new AssertionError("deployment " + id + " not listed: " + all.prettify());
        }
        return found;
    }

    /** When the deployment's cooldown ends, or null. */
    static Instant cooldownUntil(String id) {
        Object until = deployment(id).get("cooldownUntil");
        return until == null ? null : Instant.parse(until.toString());
    }

    static void sleepUntil(Instant when) throws InterruptedException {
        long ms = when.toEpochMilli() - System.currentTimeMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
