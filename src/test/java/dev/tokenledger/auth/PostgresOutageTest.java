package dev.tokenledger.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tokenledger.testing.Await;
import dev.tokenledger.testing.DurableLedger;
import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.KeyOutageLedger;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.testing.VirtualKey;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL cut off for many times the key cache's TTL (1 s here; 30 s by default, so the same as an outage of
 * minutes): keys the replica knew keep being served from their last good lookup, keys it never saw are refused with
 * 503 in each API's error shape, readiness says degraded, nothing answers 500, and once the database is back every
 * answered request is in the ledger.
 */
@QuarkusTest
@TestProfile(KeyOutageLedger.Profile.class)
class PostgresOutageTest {

    static final Duration CUT = Duration.ofSeconds(8);

    @AfterAll
    static void restore() {
        if (DurableLedger.proxy() != null) {
            DurableLedger.proxy().restore();
        }
    }

    @Test
    void knownKeysAreServedAndUnknownKeysRefusedWith503WhileTheDatabaseIsAway() throws Exception {
        Upstreams.wireMock().stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"stream\":true"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiFixtures.STREAM)));
        Upstreams.wireMock().stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing("\"stream\":false"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(OpenAiFixtures.COMPLETION)));
        VirtualKey knownKey = GatewayCalls.newKey(null);
        String known = knownKey.key();
        String unseen = GatewayCalls.keyInTeam(knownKey.teamId(), "unseen");
        List<String> answered = new ArrayList<>();
        Response first = chat(known, false);
        assertEquals(200, first.statusCode(), first.asString());
        answered.add(first.header("x-request-id"));

        DurableLedger.proxy().cut();
        long cutAt = System.nanoTime();
        int served = 0;
        int errors500 = 0;
        List<Integer> statuses = new ArrayList<>();
        try {
            while (System.nanoTime() - cutAt < CUT.toNanos()) {
                Response r = chat(known, served % 2 == 0);
                statuses.add(r.statusCode());
                if (r.statusCode() == 200) {
                    served++;
                    answered.add(r.header("x-request-id"));
                } else if (r.statusCode() >= 500) {
                    errors500 += r.statusCode() == 500 ? 1 : 0;
                }
                Thread.sleep(100);
            }
            assertTrue(DurableLedger.proxy().isCut());
            assertEquals(0, errors500, "no 500 during the outage: " + statuses);
            assertEquals(statuses.size(), served, "every request with the known key was served: " + statuses);
            assertTrue(served >= 10, "requests went on for the whole cut: " + served);

            // a key this replica never looked up cannot be verified: 503, in the shape of the API it came in on
            Response openai = chat(unseen, false);
            assertEquals(503, openai.statusCode(), openai.asString());
            assertEquals("service_unavailable", openai.jsonPath().getString("error.type"), openai.asString());
            Response anthropic = given().header("x-api-key", unseen).header("anthropic-version", "2023-06-01")
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-test\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/messages");
            // Anthropic's own status for "unavailable right now" is 529 (overloaded_error); its clients retry it like a 503
            assertEquals(529, anthropic.statusCode(), anthropic.asString());
            assertEquals("overloaded_error", anthropic.jsonPath().getString("error.type"), anthropic.asString());
            assertEquals("error", anthropic.jsonPath().getString("type"), anthropic.asString());
            Response gemini = given().header("x-goog-api-key", unseen).contentType(ContentType.JSON)
                    .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}")
                    .post("/v1beta/models/gpt-test:generateContent");
            assertEquals(503, gemini.statusCode(), gemini.asString());
            assertEquals("UNAVAILABLE", gemini.jsonPath().getString("error.status"), gemini.asString());

            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'keys' }.data.state", is("degraded"))
                    .body("checks.find { it.name == 'postgresql' }.data.state", is("degraded"));
        } finally {
            DurableLedger.proxy().restore();
        }

        // back: the unseen key is looked up again and served; readiness recovers with the next lookup
        waitFor("the unseen key to be served once the database is back", () -> chat(unseen, false).statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'keys' }.data.state", is("ok"));
        waitFor("every answered request to be in the ledger", () -> rows(answered) == answered.size());
        System.out.printf("postgres outage: cut %d ms (key TTL %s), %d requests served with the known key, "
                + "all %d answered in the ledger%n", CUT.toMillis(), KeyOutageLedger.TTL, served, answered.size());
    }

    private static Response chat(String key, boolean stream) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-test\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"outage\"}]}")
                .post("/v1/chat/completions");
    }

    private static long rows(List<String> ids) throws Exception {
        try (Connection db = DurableLedger.db();
                PreparedStatement q = db.prepareStatement("SELECT count(*) FROM usage_event WHERE request_id = ANY(?)")) {
            q.setArray(1, db.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void waitFor(String what, Await.Condition condition) throws Exception {
        Await.until(what, Duration.ofSeconds(30), Duration.ofMillis(200), condition);
    }
}
