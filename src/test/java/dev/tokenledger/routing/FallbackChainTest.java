package dev.tokenledger.routing;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.RoutingUpstreams;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static dev.tokenledger.routing.RoutingFixtures.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fallback aliases, errors that never fall back, and the larger-context alias. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class FallbackChainTest {

    @Test
    void aFailingAliasFallsBackToTheNextAliasOnAnotherProvider() throws Exception {
        answer(RoutingUpstreams.r1(), "chain-primary", aResponse().withStatus(502));
        answerText(RoutingUpstreams.r2(), "chain-backup", "fallback alias");

        Response response = chat("chain");

        assertEquals("fallback alias", text(response));
        LedgerRows row = ledger(response.header("x-request-id"));
        assertEquals(1, row.count());
        assertEquals("r2", row.provider());
        assertEquals("chain-backup", row.upstreamModel());

        // the deployments' traffic (admin API and console) counts it as served by the backup as chain's fallback
        List<Map<String, Object>> traffic = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .get("/admin/v1/deployments/traffic").then().statusCode(200).extract().jsonPath().getList("$");
        Map<String, Object> served = traffic.stream()
                .filter(t -> "r2/chain-backup".equals(t.get("deployment")) && "chain".equals(t.get("alias"))).findFirst()
                .orElseThrow(() -> new AssertionError(traffic.toString()));
        assertEquals(true, served.get("fallback"), served.toString());
        assertTrue(((Number) served.get("requests")).intValue() >= 1, served.toString());
        assertTrue(traffic.stream().filter(t -> "chain-backup".equals(t.get("alias")))
                .noneMatch(t -> Boolean.TRUE.equals(t.get("fallback"))), "an alias's own deployment is no fallback");
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).queryParam("hours", 0)
                .get("/admin/v1/deployments/traffic").then().statusCode(400);
    }

    @Test
    void aClientErrorIsTheAnswerAndNeverFallsBack() {
        answer(RoutingUpstreams.r1(), "chain-client-primary", aResponse().withStatus(400).withBody(
                "{\"error\":{\"message\":\"Invalid 'messages[0].name'\",\"type\":\"invalid_request_error\"}}"));
        answerText(RoutingUpstreams.r2(), "chain-backup", "must not answer");
        int backupBefore = calls(RoutingUpstreams.r2(), "chain-backup");

        chat("chain-client").then().statusCode(400).body("error.message", is("Invalid 'messages[0].name'"));

        assertEquals(1, calls(RoutingUpstreams.r1(), "chain-client-primary"), "no retry either");
        assertEquals(backupBefore, calls(RoutingUpstreams.r2(), "chain-backup"));
    }

    @Test
    void contextTooLongGoesToTheLargerContextAlias() throws Exception {
        answer(RoutingUpstreams.r1(), "small-context", aResponse().withStatus(400).withBody(
                "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens.\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}"));
        answerText(RoutingUpstreams.r2(), "large-context", "plenty of room");

        Response response = chat("small");

        assertEquals("plenty of room", text(response));
        assertEquals("large-context", ledger(response.header("x-request-id")).upstreamModel());
    }
}
