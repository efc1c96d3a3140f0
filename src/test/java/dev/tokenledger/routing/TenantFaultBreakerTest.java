package dev.tokenledger.routing;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One organization's invalid requests cannot take a deployment away from everyone: errors the upstream blames on the
 * request (a 200 stream whose first event is an {@code invalid_request_error}, a 404 for a file the request names, a
 * 400, a 413, a 422) are neither retried nor counted by the deployment's circuit breaker, and rest it in no cooldown;
 * another organization's requests keep being served.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class TenantFaultBreakerTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    /** Enough failed attempts to fill the breaker's window (20 by default) twice over. */
    static final int BAD = 12;

    @Inject
    DeploymentGuards guards;

    @Inject
    Cooldowns cooldowns;

    @Test
    void invalidRequestsOfOneOrganizationDoNotOpenTheBreakerForAnother() {
        String model = "tenant-breaker-" + System.nanoTime();
        String deployment = "mock/" + model;
        var upstream = Upstreams.wireMock();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(model))
                .withRequestBody(containing("in-stream-invalid")).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody("data: {\"error\":{\"message\":\"Invalid 'messages[0].content': bad part.\","
                                + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}\n\n")));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(model))
                .withRequestBody(containing("missing-file")).willReturn(aResponse().withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"No such File object: file-abc123\","
                                + "\"type\":\"invalid_request_error\",\"param\":\"file_id\",\"code\":null}}")));
        for (int status : List.of(400, 413, 422)) {
            upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(model))
                    .withRequestBody(containing("status-" + status)).willReturn(aResponse().withStatus(status)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"error\":{\"message\":\"The request is invalid.\","
                                    + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")));
        }
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(model))
                .withRequestBody(containing("good request")).withRequestBody(containing("\"stream\":false"))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).withRequestBody(containing(model))
                .withRequestBody(containing("good request")).withRequestBody(containing("\"stream\":true"))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.STREAM)));
        // each in an organization of its own
        String tenantKey = GatewayCalls.newKey(null).key();
        String otherKey = GatewayCalls.newKey(null).key();

        for (int i = 0; i < BAD; i++) {
            Response r = chat(tenantKey, model, "in-stream-invalid " + i, true);
            assertEquals(400, r.statusCode(), "an invalid request is the client's error: " + r.asString());
            assertEquals("invalid_request_error", r.jsonPath().getString("error.type"), r.asString());
        }
        for (String kind : List.of("missing-file", "status-400", "status-413", "status-422")) {
            for (int i = 0; i < 2; i++) {
                Response r = chat(tenantKey, model, kind + " " + i, false);
                assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, kind + ": " + r.statusCode() + " " + r.asString());
            }
        }
        upstream.verify(BAD, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("in-stream-invalid")));

        assertEquals(CircuitBreakerState.CLOSED, guards.breaker(deployment), "the tenant's errors do not count");
        assertTrue(cooldowns.active(List.of(deployment)).await().atMost(WAIT).isEmpty(), "nor rest the deployment");
        for (int i = 0; i < 3; i++) {
            Response r = chat(otherKey, model, "good request " + i, i % 2 == 0);
            assertEquals(200, r.statusCode(), "the other organization is served: " + r.asString());
        }
    }

    private static Response chat(String key, String model, String content, boolean stream) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"mock/" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}")
                .post("/v1/chat/completions");
    }
}
