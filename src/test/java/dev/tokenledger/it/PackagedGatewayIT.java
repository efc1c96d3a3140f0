package dev.tokenledger.it;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packaged artifact (the fast-jar here, the native executable when built with {@code -Dnative}) as a black box:
 * chat, stream, an error, health, and no metrics on the API port, with a WireMock upstream.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = true)
class PackagedGatewayIT {

    @BeforeEach
    void reset() {
        Upstreams.wireMock().resetAll();
    }

    @Test
    void chat() {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        String body = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        assertEquals(OpenAiFixtures.COMPLETION, body);
    }

    @Test
    void stream() {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.STREAM)));
        String body = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .body("{\"model\":\"gpt-test\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("Content-Type", containsString("text/event-stream")).extract().asString();
        assertEquals(OpenAiFixtures.STREAM, body);
    }

    @Test
    void error() {
        given().header("Authorization", "Bearer wrong").body("{}").post("/v1/chat/completions")
                .then().statusCode(401).body("error.type", is("authentication_error"));
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).body("{\"model\":\"nope\",\"messages\":[]}")
                .post("/v1/chat/completions").then().statusCode(400).body("error.param", is("messages"));
    }

    @Test
    void healthAndMetrics() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/started").then().statusCode(200);
        // metrics are on the management interface only (AdminCoherenceIT scrapes them there)
        given().get("/q/metrics").then().statusCode(404);
    }
}
