package dev.tokenledger.api.openai;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.json.Json;
import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Responses stored by the gateway for translated requests: {@code previous_response_id} continues a conversation
 * through any upstream, {@code GET}/{@code DELETE /v1/responses/{id}} in OpenAI's shapes, every read scoped to the
 * caller's team, {@code store: false} and expiry honoured, streams stored when they complete.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class StoredResponsesTest {

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    private static RequestSpecification master() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    /** A new team (in a new org); returns its id. */
    private static String team() {
        String org = master().body(Map.of("name", "stored-" + UUID.randomUUID())).post("/admin/v1/orgs").then()
                .statusCode(201).extract().path("id");
        return master().body(Map.of("name", "team", "orgId", org)).post("/admin/v1/teams").then().statusCode(201)
                .extract().path("id");
    }

    /** A new virtual key of a team. */
    private static String key(String team) {
        return master().body(Map.of("name", "agent", "teamId", team)).post("/admin/v1/keys").then().statusCode(201)
                .extract().path("key");
    }

    private static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    private static Response respond(String key, String body) {
        return as(key).body(body).post("/v1/responses");
    }

    private void anthropicAnswers(String id, String text) {
        upstream.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id":"%s","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                         "content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,
                         "usage":{"input_tokens":21,"output_tokens":12}}""".formatted(id, text))));
    }

    /** The body of the last request an upstream path received. */
    private JsonNode lastRequest(String path) {
        List<LoggedRequest> requests = upstream.findAll(postRequestedFor(urlEqualTo(path)));
        return Json.parseObject(requests.get(requests.size() - 1).getBody());
    }

    @Test
    void aConversationContinuesThroughAnotherFormatAndOnlyItsTeamSeesIt() {
        String team = team();
        String alice = key(team);
        String bob = key(team);
        String mallory = key(team());
        anthropicAnswers("msg_turn1", "Canberra.");

        respond(alice, "{\"model\":\"claude-test\",\"instructions\":\"Be brief.\",\"input\":\"Capital of Australia?\"}")
                .then().statusCode(200).body("id", is("resp_msg_turn1"));

        // the same team's other key reads it; another team's key finds nothing, and cannot continue it
        as(bob).get("/v1/responses/resp_msg_turn1").then().statusCode(200).body("object", is("response"))
                .body("status", is("completed")).body("output[0].content[0].text", is("Canberra."))
                .body("previous_response_id", nullValue()).body("store", is(true));
        as(mallory).get("/v1/responses/resp_msg_turn1").then().statusCode(404)
                .body("error.type", is("invalid_request_error"))
                .body("error.message", is("Response with id 'resp_msg_turn1' not found."));
        respond(mallory, "{\"model\":\"claude-test\",\"input\":\"And?\",\"previous_response_id\":\"resp_msg_turn1\"}")
                .then().statusCode(404).body("error.param", is("previous_response_id"))
                .body("error.code", is("previous_response_not_found"))
                .body("error.message", is("Previous response with id 'resp_msg_turn1' not found."));
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/messages")));

        // turn 2 on Anthropic: the upstream sees the whole conversation; earlier instructions are not carried over
        anthropicAnswers("msg_turn2", "About 460,000.");
        respond(bob, "{\"model\":\"claude-test\",\"input\":\"And its population?\","
                + "\"previous_response_id\":\"resp_msg_turn1\"}").then().statusCode(200).body("id", is("resp_msg_turn2"));
        JsonNode turn2 = lastRequest("/v1/messages");
        assertFalse(turn2.has("system"), turn2.toString());
        assertEquals(Json.parseObject("""
                {"m":[{"role":"user","content":[{"type":"text","text":"Capital of Australia?"}]},
                 {"role":"assistant","content":[{"type":"text","text":"Canberra."}]},
                 {"role":"user","content":[{"type":"text","text":"And its population?"}]}]}"""
                .getBytes(StandardCharsets.UTF_8)).get("m"), normalised(turn2.get("messages")));

        // turn 3 on an OpenAI chat upstream continues the same chain
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        respond(alice, "{\"model\":\"gpt-test\",\"input\":[{\"role\":\"user\",\"content\":\"Thanks!\"}],"
                + "\"previous_response_id\":\"resp_msg_turn2\"}").then().statusCode(200)
                .body("id", is("resp_chatcmpl-123"));
        JsonNode turn3 = lastRequest("/v1/chat/completions").get("messages");
        assertEquals(5, turn3.size(), turn3.toString());
        assertEquals("Canberra.", turn3.get(1).get("content").asText());
        assertEquals("About 460,000.", turn3.get(3).get("content").asText());
        assertEquals("Thanks!", turn3.get(4).get("content").asText());
        as(alice).get("/v1/responses/resp_chatcmpl-123").then().statusCode(200)
                .body("previous_response_id", is("resp_msg_turn2"));

        // deleting: another team cannot, the team can; a chain with a deleted turn cannot be continued
        as(mallory).delete("/v1/responses/resp_msg_turn1").then().statusCode(404);
        as(alice).delete("/v1/responses/resp_msg_turn1").then().statusCode(200).body("id", is("resp_msg_turn1"))
                .body("object", is("response.deleted")).body("deleted", is(true));
        as(alice).get("/v1/responses/resp_msg_turn1").then().statusCode(404);
        as(alice).delete("/v1/responses/resp_msg_turn1").then().statusCode(404);
        respond(alice, "{\"model\":\"gpt-test\",\"input\":\"More\",\"previous_response_id\":\"resp_chatcmpl-123\"}")
                .then().statusCode(404).body("error.param", is("previous_response_id"));
    }

    /** Anthropic messages with string contents as text blocks, so both shapes compare. */
    private static JsonNode normalised(JsonNode messages) {
        var out = Json.NODES.arrayNode();
        for (JsonNode m : messages) {
            var copy = Json.NODES.objectNode().put("role", m.get("role").asText());
            if (m.get("content").isTextual()) {
                copy.putArray("content").addObject().put("type", "text").put("text", m.get("content").asText());
            } else {
                copy.set("content", m.get("content"));
            }
            out.add(copy);
        }
        return out;
    }

    @Test
    void storeFalseIsNotStoredStreamsAreStoredWhenCompletedAndExpiredOnesAreGone() throws Exception {
        String team = team();
        String key = key(team);
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        respond(key, "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"store\":false}").then().statusCode(200)
                .body("id", is("resp_chatcmpl-123"));
        as(key).get("/v1/responses/resp_chatcmpl-123").then().statusCode(404);

        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.STREAM)));
        respond(key, "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"stream\":true}").then().statusCode(200)
                .body(containsString("event: response.completed"));
        as(key).get("/v1/responses/resp_c1").then().statusCode(200).body("status", is("completed"))
                .body("output[0].content[0].text", is("Hello 🙂")).body("usage.input_tokens", is(12));

        try (Connection c = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement s = c.prepareStatement("UPDATE stored_response SET expires_at = now() - interval '1 "
                        + "second' WHERE tenant = ? AND id = 'resp_c1'")) {
            s.setString(1, "team:" + team);
            assertEquals(1, s.executeUpdate());
        }
        as(key).get("/v1/responses/resp_c1").then().statusCode(404);
        respond(key, "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"previous_response_id\":\"resp_c1\"}").then()
                .statusCode(404).body("error.code", is("previous_response_not_found"));
    }

    @Test
    void aStoredConversationContinuesOnAnOpenAiResponsesUpstreamAsItsInput() {
        String key = key(team());
        anthropicAnswers("msg_native1", "Canberra.");
        respond(key, "{\"model\":\"claude-test\",\"input\":\"Capital of Australia?\"}").then().statusCode(200);
        upstream.stubFor(post("/native/v1/responses").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"id":"resp_native2","object":"response","created_at":1,"status":"completed",
                         "model":"gpt-4o-mini-2024-07-18","output":[],"usage":{"input_tokens":20,
                         "input_tokens_details":{"cached_tokens":0},"output_tokens":7,
                         "output_tokens_details":{"reasoning_tokens":0},"total_tokens":27}}""")));

        respond(key, "{\"model\":\"gpt-native-test\",\"input\":\"And?\",\"store\":true,"
                + "\"previous_response_id\":\"resp_msg_native1\"}").then().statusCode(200).body("id", is("resp_native2"));

        JsonNode sent = lastRequest("/native/v1/responses");
        assertFalse(sent.has("previous_response_id"), "an id OpenAI never saw is not sent: " + sent);
        JsonNode input = sent.get("input");
        assertEquals(3, input.size(), input.toString());
        assertEquals("Capital of Australia?", input.get(0).at("/content/0/text").asText());
        assertEquals("message", input.get(1).get("type").asText());
        assertEquals("assistant", input.get(1).get("role").asText());
        assertFalse(input.get(1).has("id"), "output items go back without the ids only the gateway knows");
        assertEquals("Canberra.", input.get(1).at("/content/0/text").asText());
        assertEquals("And?", input.get(2).at("/content/0/text").asText());
        // OpenAI stored that answer itself: the gateway did not
        as(key).get("/v1/responses/resp_native2").then().statusCode(404);
    }
}
