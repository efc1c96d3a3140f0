package dev.tokenledger.observability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One access log line per request, with usage and cost but never the prompt; the start-up summary without secrets. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AccessLogTest {

    @Inject
    StartupSummary summary;

    @Test
    void oneLinePerRequestWithUsageAndCostAndNoPrompt() throws Exception {
        OpenAiFixtures.priceMockModel();
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(((org.jboss.logmanager.ExtLogRecord) record).getFormattedMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(AccessLog.CATEGORY);
        logger.addHandler(handler);
        try {
            Response ok = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                    .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt text\"}]}")
                    .post("/v1/chat/completions");
            ok.then().statusCode(200);
            Response unpriced = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                    .body("{\"model\":\"model-without-a-price\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                    .post("/v1/chat/completions");
            unpriced.then().statusCode(200);
            Response refused = given().header("Authorization", "Bearer not-a-key")
                    .body("{\"model\":\"gpt-test\",\"messages\":[]}").post("/v1/chat/completions");
            refused.then().statusCode(401);

            String okLine = await(lines, ok.header("x-request-id"));
            // the cost as the ledger prices it, exact USD (the rate is whichever the catalogue has for the mock model)
            assertTrue(okLine.matches("POST /v1/chat/completions 200 request_id=" + ok.header("x-request-id")
                    + " key=master-key model=gpt-test tokens=19/3 cost=0\\.[0-9]*[1-9] latency_ms=[0-9]+"), okLine);
            assertTrue(await(lines, unpriced.header("x-request-id")).contains("model=model-without-a-price tokens=19/3 "
                    + "cost=unpriced"), lines.toString());
            assertTrue(await(lines, refused.header("x-request-id")).contains(" 401 "), lines.toString());
            assertEquals1(lines, ok.header("x-request-id"));
            lines.forEach(line -> assertFalse(line.contains("secret prompt") || line.contains("not-a-key"), line));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void startUpSummaryNamesWhatIsConfiguredWithoutSecrets() {
        String line = summary.summary();
        assertTrue(line.contains("mock=openai@localhost:" + Upstreams.wireMock().port() + ","), line);
        assertTrue(line.contains("gpt-test -> mock/gpt-4o-mini-2024-07-18"), line);
        assertTrue(line.contains("limits and budgets from PostgreSQL"), line);
        assertTrue(line.contains("tracing off") && line.contains("access log on"), line);
        assertFalse(line.contains(Upstreams.UPSTREAM_KEY) || line.contains(Upstreams.AZURE_KEY)
                || line.contains(OpenAiFixtures.MASTER), line);
    }

    private static void assertEquals1(List<String> lines, String requestId) {
        long n = lines.stream().filter(l -> l.contains("request_id=" + requestId + " ")).count();
        assertTrue(n == 1, "one line per request: " + lines);
    }

    private static String await(List<String> lines, String requestId) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (String line : lines) {
                if (line.contains("request_id=" + requestId + " ")) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no access log line for " + requestId + " in " + lines);
    }
}
