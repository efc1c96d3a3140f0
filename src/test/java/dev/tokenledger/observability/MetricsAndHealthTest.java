package dev.tokenledger.observability;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health endpoints, and usage reaching the GenAI metrics (reported by the upstream, or estimated when it is not). */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class MetricsAndHealthTest {

    @Test
    void healthEndpointsAnswer() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 'configuration' }.status", is("UP"));
        given().get("/q/health/started").then().statusCode(200);
    }

    @Test
    void reportedUsageIsCountedInGenAiMetrics() {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(OpenAiFixtures.COMPLETION)));
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .body("{\"model\":\"mock/metrics-reported\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertEquals(19.0, sum(metrics, "mock/metrics-reported", "input"));
        assertEquals(3.0, sum(metrics, "mock/metrics-reported", "output"));
        assertTrue(metrics.contains("gen_ai_client_operation_duration_seconds_count{error_type=\"none\","
                + "gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"mock/metrics-reported\"}"),
                metrics);
        assertTrue(metrics.contains("tokenledger_gateway_overhead_seconds_bucket"));
        assertTrue(Pattern.compile("tokenledger_http_responses_total\\{endpoint=\"chat\",status_class=\"2xx\"} [1-9]")
                .matcher(metrics).find());
    }

    @Test
    void missingUsageIsEstimated() {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withBody(
                        "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                                + "\"message\":{\"role\":\"assistant\",\"content\":\"one two three four\"},\"finish_reason\":\"stop\"}]}")));
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .body("{\"model\":\"mock/metrics-estimated\",\"messages\":[{\"role\":\"user\",\"content\":\"Count to four\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        String metrics = given().get("/q/metrics").then().extract().asString();
        assertEquals(4.0, sum(metrics, "mock/metrics-estimated", "output"), "o200k_base: 'one two three four' is 4 tokens");
        assertTrue(sum(metrics, "mock/metrics-estimated", "input") >= 9, "3 priming + 3 per message + role + text");
        assertTrue(metrics.contains("source=\"estimated\""));
    }

    private static double sum(String metrics, String model, String tokenType) {
        Matcher m = Pattern.compile("gen_ai_client_token_usage_sum\\{[^}]*gen_ai_request_model=\"" + Pattern.quote(model)
                + "\",gen_ai_token_type=\"" + tokenType + "\"} ([0-9.E]+)").matcher(metrics);
        assertTrue(m.find(), "no token usage series for " + model + " " + tokenType + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }
}
