package dev.tokenledger.scenario;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.LedgerRows;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same cases for every pair of client format and upstream type ({@link ScenarioFormats}), against WireMock
 * upstreams that answer in their own format and record the exact request the gateway sent. Pairs that cannot serve a
 * case are listed in {@link ScenarioMatrix} and must refuse it with a 400 naming the field.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ScenarioSuiteTest {

    @TestHTTPResource("/")
    URL gateway;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestFactory
    Stream<DynamicTest> everyClientFormatAgainstEveryUpstreamType() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ClientSide client : ScenarioFormats.CLIENTS) {
            for (UpstreamSide upstream : ScenarioFormats.UPSTREAMS) {
                for (ScenarioCase c : ScenarioCase.values()) {
                    tests.add(DynamicTest.dynamicTest(client.name() + " → " + upstream.type() + ": " + c,
                            () -> run(client, upstream, c)));
                }
            }
        }
        return tests.stream();
    }

    private void run(ClientSide client, UpstreamSide upstream, ScenarioCase c) throws Exception {
        Upstreams.wireMock().resetAll();
        Upstreams.wireMock().stubFor(upstream.stub(c));
        ClientSide.Request request = client.request(c, Upstreams.scenarioAlias(upstream));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base() + request.path()))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(request.body()))
                .header(client.authHeader(), client.authValue(OpenAiFixtures.MASTER));
        request.headers().forEach(builder::header);
        HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        Observed seen = client.read(c, response.statusCode(), response.body());
        List<LoggedRequest> sent = Upstreams.wireMock().findAll(anyRequestedFor(anyUrl()));
        String context = client.name() + " → " + upstream.type() + " " + c + ": status " + response.statusCode() + " "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);

        Optional<String> refusal = ScenarioMatrix.refusal(client, upstream, c);
        if (refusal.isPresent()) {
            assertEquals(400, response.statusCode(), context);
            assertEquals("invalid_request", seen.error(), context);
            assertTrue(seen.errorMessage().contains(refusal.get()), "the 400 names the field: " + context);
            assertTrue(sent.isEmpty(), "nothing is sent upstream: " + context);
            return;
        }
        assertFalse(sent.isEmpty(), "the upstream was called: " + context);
        upstream.assertOutbound(c, sent.get(0));
        if (c == ScenarioCase.UPSTREAM_ERROR) {
            assertEquals(429, response.statusCode(), context);
            assertEquals("rate_limit", seen.error(), context);
            assertTrue(seen.errorMessage().contains(Script.ERROR_MESSAGE), context);
            return;
        }
        assertEquals(200, response.statusCode(), context);
        assertEquals(null, seen.error(), context);
        assertEquals(1, sent.size(), "one upstream call: " + context);
        if (c == ScenarioCase.JSON_MODE) {
            assertEquals(Golden.tree(Script.JSON_ANSWER.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    Golden.tree(seen.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)), context);
        } else {
            assertEquals(Script.answer(c), seen.text(), context);
        }
        assertEquals(c.toolAnswer() ? "tool_calls" : "stop", seen.finish(), context);
        if (c.toolAnswer()) {
            assertToolCalls(client, upstream, c, seen, context);
        }
        assertEquals(Script.PROMPT_TOKENS, seen.promptTokens(), "prompt tokens, cached included: " + context);
        long cached = upstream.reportsCachedTokens() ? Script.cachedTokens(c) : 0;
        assertEquals(cached, seen.cachedTokens(), "cached tokens: " + context);
        assertEquals(Script.COMPLETION_TOKENS, seen.completionTokens(), "completion tokens: " + context);
        if (c == ScenarioCase.CACHED_USAGE) {
            String requestId = response.headers().firstValue("x-request-id").orElseThrow();
            assertLedger(requestId, cached, context);
        }
    }

    private static void assertToolCalls(ClientSide client, UpstreamSide upstream, ScenarioCase c, Observed seen,
            String context) {
        assertEquals(Script.calls(c).size(), seen.calls().size(), context);
        for (int i = 0; i < Script.calls(c).size(); i++) {
            Script.Call expected = Script.calls(c).get(i);
            Script.Call call = seen.calls().get(i);
            assertEquals(expected.name(), call.name(), context);
            assertEquals(OpenAiUpstream.compactJson(expected.arguments()), OpenAiUpstream.compactJson(call.arguments()),
                    context);
            if (client.showsToolCallIds()) {
                assertNotNull(call.id(), "a call id reaches the client: " + context);
                if (upstream.hasToolCallIds()) {
                    assertEquals(expected.id(), call.id(), "the upstream's call id is preserved: " + context);
                }
            }
        }
    }

    private static void assertLedger(String requestId, long cached, String context) throws Exception {
        Map<String, Object> row = LedgerRows.await(requestId);
        assertEquals(Script.PROMPT_TOKENS, LedgerRows.longOf(row, "input_tokens"), "ledger input: " + context);
        assertEquals(cached, LedgerRows.longOf(row, "cache_read_tokens"), "ledger cache reads: " + context);
        assertEquals(Script.COMPLETION_TOKENS, LedgerRows.longOf(row, "output_tokens"), "ledger output: " + context);
    }

    private String base() {
        String url = gateway.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
