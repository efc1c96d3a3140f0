package dev.tokenledger.routing;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.RoutingUpstreams;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.routing.RoutingFixtures.*;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The response cache of alias {@code cached}: hits do not call the upstream, are replayed as a stream to a streaming
 * client, are billed zero with the saving recorded; {@code no-cache} bypasses it, and teams never share answers.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class ResponseCacheTest {

    static final String DETERMINISTIC = ",\"temperature\":0";
    static String keyA;
    static String keyB;

    @BeforeEach
    void teamsAndPrices() {
        if (keyA != null) {
            return;
        }
        String org = client().body(Map.of("name", "cache-org-" + RUN)).post("/admin/v1/orgs").then().statusCode(201)
                .extract().path("id");
        keyA = key(team(org, "a"));
        keyB = key(team(org, "b"));
        client().body(Map.of("provider", "r1", "model", "cache-model", "effectiveFrom", "2020-01-01T00:00:00Z", "prices",
                Map.of("inputMtok", "2.50", "outputMtok", "10"), "reason", "cache test rate")).post("/admin/v1/prices");
    }

    private static String team(String org, String name) {
        return client().body(Map.of("name", name, "orgId", org)).post("/admin/v1/teams").then().statusCode(201)
                .extract().path("id");
    }

    private static String key(String team) {
        return client().body(Map.of("name", "k", "teamId", team)).post("/admin/v1/keys").then().statusCode(201)
                .extract().path("key");
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json");
    }

    /** A request unique to the test, so that tests do not see each other's entries. */
    static Response ask(RequestSpecification spec, String question, String extra) {
        return spec.body("{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + " " + RUN
                + "\"}]" + extra + "}").post("/v1/chat/completions");
    }

    static int upstreamCalls() {
        return calls(RoutingUpstreams.r1(), "cache-model");
    }

    @Test
    void secondIdenticalRequestIsAHitReplayedAsAStreamAndBilledZero() throws Exception {
        answerText(RoutingUpstreams.r1(), "cache-model", "Cached wisdom");
        int before = upstreamCalls();

        Response first = ask(as(keyA), "q1", DETERMINISTIC);
        String original = first.then().statusCode(200).extract().asString();
        Thread.sleep(200); // the answer is stored in the background
        Response second = ask(as(keyA), "q1", DETERMINISTIC);

        assertEquals(original, second.then().statusCode(200).header("x-tokenledger-cost-usd", "0").extract().asString());
        assertEquals(before + 1, upstreamCalls(), "a hit does not call the upstream");
        LedgerRows hit = ledger(second.header("x-request-id"));
        assertTrue(hit.cached());
        assertEquals(0L, hit.costMicros());
        assertEquals(ledger(first.header("x-request-id")).costMicros(), hit.savingMicros(), "the saving is the cost");
        assertFalse(ledger(first.header("x-request-id")).cached());

        Response streamed = ask(as(keyA), "q1", DETERMINISTIC + ",\"stream\":true,\"user\":\"someone\"");
        String sse = streamed.then().statusCode(200).extract().asString();
        assertEquals("Cached wisdom", StreamFailoverTest.streamText(sse));
        assertTrue(sse.endsWith("data: [DONE]\n\n"), sse);
        assertEquals(before + 1, upstreamCalls(), "the streaming replay comes from the cache too");
        assertTrue(ledger(streamed.header("x-request-id")).cached());
    }

    @Test
    void noCacheBypassesTheCache() throws Exception {
        answerText(RoutingUpstreams.r1(), "cache-model", "Fresh");
        int before = upstreamCalls();
        ask(as(keyA), "q2", DETERMINISTIC).then().statusCode(200);
        Thread.sleep(200);
        ask(as(keyA).header("Cache-Control", "no-cache"), "q2", DETERMINISTIC).then().statusCode(200);
        assertEquals(before + 2, upstreamCalls());
        ask(as(keyA), "q2", DETERMINISTIC).then().statusCode(200);
        assertEquals(before + 2, upstreamCalls(), "without the header the cache serves again");
    }

    @Test
    void teamsNeverShareAnswers() throws Exception {
        answerText(RoutingUpstreams.r1(), "cache-model", "Team A's answer");
        int before = upstreamCalls();
        ask(as(keyA), "q3", DETERMINISTIC).then().statusCode(200);
        Thread.sleep(200);
        answerText(RoutingUpstreams.r1(), "cache-model", "Team B's answer");
        assertEquals("Team B's answer", text(ask(as(keyB), "q3", DETERMINISTIC)));
        assertEquals(before + 2, upstreamCalls());
        assertEquals("Team A's answer", text(ask(as(keyA), "q3", DETERMINISTIC)));
        assertEquals(before + 2, upstreamCalls());
    }

    @Test
    void onlyDeterministicRequestsAreCachedUnlessOptedIn() throws Exception {
        answerText(RoutingUpstreams.r1(), "cache-model", "Creative");
        int before = upstreamCalls();
        ask(as(keyA), "q4", "").then().statusCode(200);
        Thread.sleep(200);
        ask(as(keyA), "q4", "").then().statusCode(200);
        assertEquals(before + 2, upstreamCalls(), "temperature unset: not cached");
        ask(as(keyA).header("x-tokenledger-cache", "on"), "q4", ",\"temperature\":0.9").then().statusCode(200);
        Thread.sleep(200);
        ask(as(keyA).header("x-tokenledger-cache", "on"), "q4", ",\"temperature\":0.9").then().statusCode(200);
        assertEquals(before + 3, upstreamCalls(), "opted in: cached");
    }
}
