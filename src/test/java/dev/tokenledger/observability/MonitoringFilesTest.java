package dev.tokenledger.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.testing.VirtualKey;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics people chart, against a running gateway: GenAI histograms with the conventions' buckets, time to first
 * token and per output token of a stream, spend by team and model, budget gauges; and the alert rules and the Grafana
 * dashboard under {@code k8s/monitoring} valid and naming only series that this gateway's {@code /q/metrics} shows.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class MonitoringFilesTest {

    static final Path ALERTS = Path.of("k8s/monitoring/alerts.yaml");
    static final Path DASHBOARD = Path.of("k8s/monitoring/dashboards/tokenledger.json");
    /** A series name in PromQL: ours and the GenAI conventions'. */
    static final Pattern SERIES = Pattern.compile("\\b((?:tokenledger|gen_ai)_[a-zA-Z0-9_]+)\\b");

    @Test
    void metricsHaveBucketsSpendAndBudgetsAndTheMonitoringFilesNameThem() throws Exception {
        VirtualKey tenant = tenantWithBudget();
        OpenAiFixtures.priceMockModel();
        Upstreams.wireMock().stubFor(post("/v1/chat/completions")
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiFixtures.STREAM)));
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        chat(tenant.key(), false).then().statusCode(200);
        chat(tenant.key(), true).then().statusCode(200);

        String metrics = awaitMetrics(List.of("tokenledger_budget_limit_micros{scope=\"key:" + tenant.id() + "\"}",
                "tokenledger_spend_usd_total{model=\"gpt-test\",team=\"" + tenant.teamId() + "\"}",
                "gen_ai_server_time_to_first_token_seconds_bucket"));
        // the conventions' boundaries: 14 and +Inf per series
        assertEquals(15, count(metrics, "(?m)^gen_ai_client_operation_duration_seconds_bucket\\{error_type=\"none\","
                + "gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-test\",le="),
                metrics);
        assertTrue(metrics
                .contains("gen_ai_client_operation_duration_seconds_bucket{error_type=\"none\",gen_ai_operation_name=\"chat\","
                        + "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-test\",le=\"0.01\"}"),
                metrics);
        assertEquals(15, count(metrics,
                "gen_ai_client_token_usage_bucket\\{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-test\",gen_ai_token_type=\"input\""));
        assertEquals(17,
                count(metrics, "gen_ai_server_time_to_first_token_seconds_bucket\\{[^}]*gen_ai_request_model=\"gpt-test\""));
        assertEquals(14,
                count(metrics, "gen_ai_server_time_per_output_token_seconds_bucket\\{[^}]*gen_ai_request_model=\"gpt-test\""));
        // 19 + 12 input tokens at 2.50, 8 of them cached at 1.25; 3 + 4 output tokens at 10 (USD per million)
        double spend = value(metrics, "tokenledger_spend_usd_total{model=\"gpt-test\",team=\"" + tenant.teamId() + "\"}");
        assertEquals((19 * 2.50 + 3 * 10 + 4 * 2.50 + 8 * 1.25 + 4 * 10) / 1e6, spend, 1e-12, metrics);
        double limit = value(metrics, "tokenledger_budget_limit_micros{scope=\"key:" + tenant.id() + "\"}");
        assertEquals(1_000_000, limit);
        assertTrue(value(metrics, "tokenledger_budget_remaining_micros{scope=\"key:" + tenant.id() + "\"}") < limit);

        List<String> problems = new ArrayList<>();
        for (String name : referencedSeries()) {
            if (metrics.contains("," + name + "=\"") || metrics.contains("{" + name + "=\"")) {
                continue; // a label of ours (gen_ai_request_model), not a series
            }
            if (!Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(metrics).find()) {
                problems.add(name + " is not in /q/metrics");
            }
        }
        assertTrue(problems.isEmpty(), problems + "\n" + metrics);
    }

    @Test
    void alertRulesAreValid() throws Exception {
        JsonNode rules = new YAMLMapper().readTree(ALERTS.toFile());
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            assertFalse(group.path("name").asText().isBlank());
            for (JsonNode rule : group.path("rules")) {
                assertTrue(rule.path("alert").isTextual() && !rule.path("expr").asText().isBlank(), rule.toString());
                assertTrue(Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()), rule
                        .toString());
                assertTrue(rule.path("for").asText().matches("[0-9]+[smh]"), rule.toString());
                assertFalse(rule.path("annotations").path("summary").asText().isBlank(), rule.toString());
                assertTrue(alerts.add(rule.path("alert").asText()), "duplicate " + rule.path("alert"));
            }
        }
        assertTrue(alerts.containsAll(Set.of("TokenLedgerBudgetNearlyExhausted", "TokenLedgerDeploymentCoolingDown",
                "TokenLedgerHighErrorRatio", "TokenLedgerLedgerSpoolNotEmpty", "TokenLedgerRedisUnreachable",
                "TokenLedgerCredentialNeedsLogin")), alerts.toString());
        Path promtool = Path.of("/usr/bin/promtool");
        if (Files.isExecutable(promtool)) { // Debian's prometheus package; the checks above stand in where it is missing
            Process check = new ProcessBuilder(promtool.toString(), "check", "rules", ALERTS.toString())
                    .redirectErrorStream(true).start();
            assertTrue(check.waitFor(60, TimeUnit.SECONDS));
            String out = new String(check.getInputStream().readAllBytes());
            assertEquals(0, check.exitValue(), out);
            assertTrue(out.contains("SUCCESS: " + alerts.size() + " rules found"), out);
        }
    }

    @Test
    void dashboardIsWellFormed() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertFalse(dashboard.path("uid").asText().isBlank());
        assertTrue(dashboard.path("templating").path("list").findValuesAsText("name").contains("datasource"));
        Set<Integer> ids = new TreeSet<>();
        assertTrue(dashboard.path("panels").size() >= 10);
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id in " + title);
            for (String field : List.of("x", "y", "w", "h")) {
                assertTrue(panel.path("gridPos").path(field).isInt(), title + " gridPos." + field);
            }
            assertTrue(Set.of("timeseries", "stat").contains(panel.path("type").asText()), title);
            assertTrue(panel.path("targets").size() > 0, title + " has no query");
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertTrue(SERIES.matcher(expr).find(), title + ": " + expr + " names no TokenLedger metric");
                assertEquals(count(expr, "\\("), count(expr, "\\)"), title + ": unbalanced parentheses in " + expr);
            }
        }
    }

    /** Every series the alert rules and the dashboard query. */
    static Set<String> referencedSeries() throws IOException {
        Set<String> names = new TreeSet<>();
        JsonNode rules = new YAMLMapper().readTree(ALERTS.toFile());
        rules.findValuesAsText("expr").forEach(expr -> collect(expr, names));
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        dashboard.findValuesAsText("expr").forEach(expr -> collect(expr, names));
        dashboard.findValuesAsText("definition").forEach(expr -> collect(expr, names));
        assertTrue(names.size() >= 10, names.toString());
        return names;
    }

    private static void collect(String expr, Set<String> names) {
        Matcher m = SERIES.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(metrics);
        assertTrue(m.find(), series + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static String awaitMetrics(List<String> needed) throws InterruptedException {
        String metrics = "";
        for (int i = 0; i < 100; i++) {
            metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            String m = metrics;
            if (needed.stream().allMatch(m::contains)) {
                return metrics;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("missing " + needed + " in\n" + metrics);
    }

    private static io.restassured.response.Response chat(String key, boolean stream) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-test\",\"stream\":" + stream
                        + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
    }

    /** A team and key with a monthly budget of 1 USD. */
    private static VirtualKey tenantWithBudget() {
        return GatewayCalls.newKey("{\"budget\":{\"amountUsd\":\"1.00\",\"window\":\"month\"}}");
    }
}
