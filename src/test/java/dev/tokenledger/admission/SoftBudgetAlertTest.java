package dev.tokenledger.admission;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.testing.RedisBehindProxy;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crossing a budget's soft threshold fires the webhook once per window (retried when it fails) and a metric. */
@QuarkusTest
@TestProfile(RedisBehindProxy.Profile.class)
class SoftBudgetAlertTest {

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void crossingTheSoftThresholdAlertsOnce() throws Exception {
        var hooks = RedisBehindProxy.limitedServer();
        hooks.stubFor(post("/alerts").inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        hooks.stubFor(post("/alerts").inScenario("flaky").whenScenarioStateIs("up").willReturn(aResponse().withStatus(204)));
        Tenant.answersAll(Upstreams.wireMock(), "budget-model");
        Tenant.price("mock", "budget-model", "0", "10");
        Tenant tenant = Tenant.create();
        Tenant.limits("team", tenant.teamId(), "{\"budget\":{\"amountUsd\":\"0.010\",\"window\":\"week\","
                + "\"softThreshold\":0.5,\"hard\":false}}");

        for (int i = 0; i < 8; i++) {
            assertEquals(200, Tenant.burst(gateway, tenant.key(), Tenant.body("mock/budget-model", 100, false), 1)
                    .get(0).statusCode());
        }
        Thread.sleep(1500);

        var delivered = postRequestedFor(urlEqualTo("/alerts"))
                .withRequestBody(matchingJsonPath("$.type", equalTo("budget.soft_threshold_crossed")))
                .withRequestBody(matchingJsonPath("$.scope", equalTo("team:" + tenant.teamId())))
                .withRequestBody(containing("\"thresholdUsd\":\"0.005000\""));
        assertEquals(2, hooks.findAll(delivered).size(), "one alert, delivered on its second attempt");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("tokenledger_budget_alerts_total{scope_type=\"team\"}"), "no alert metric");
        assertTrue(metrics.contains("tokenledger_budget_remaining_micros{scope=\"team:" + tenant.teamId() + "\"} 2000.0"),
                "remaining budget metric");
    }
}
