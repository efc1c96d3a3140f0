package dev.tokenledger.observability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.tokenledger.testing.ConfigOverrides;
import dev.tokenledger.testing.InMemoryTraces;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * With {@code tokenledger.tracing.endpoint} set: one chat request makes the expected span tree with GenAI attributes,
 * the client's {@code traceparent} continues upstream through the attempt's span, and the trace id is in the ledger
 * row and in the answer's {@code x-trace-id} (errors included).
 */
@QuarkusTest
@TestProfile(TracingTest.On.class)
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class TracingTest {

    /** Tracing on; the OTLP exporter points at a port nobody listens on (the in-memory processor is what is read). */
    public static class On extends ConfigOverrides {
        public On() {
            // and JSON logs, written to a file the test reads (the console's JSON is the same formatter)
            super(Map.of("tokenledger.tracing.endpoint", "http://127.0.0.1:1", "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.json.enabled", "true", "quarkus.log.file.path", JSON_LOG.toString()));
        }
    }

    static final java.nio.file.Path JSON_LOG = java.nio.file.Path.of("target", "tracing-test-log.json").toAbsolutePath();

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    @BeforeEach
    void reset() {
        InMemoryTraces.EXPORTER.reset();
    }

    @Test
    void oneRequestMakesTheSpanTreeAndTheTraceGoesUpstream() throws Exception {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        // a cold JVM on a busy machine may time out its first upstream call: warm the path up, untraced by the client
        for (int i = 0; i < 5 && given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").statusCode() != 200; i++) {
            Thread.sleep(500);
        }
        InMemoryTraces.EXPORTER.reset();
        Upstreams.wireMock().resetRequests();
        Response response = send("/v1/chat/completions", "{\"model\":\"gpt-test\",\"max_tokens\":50,\"temperature\":0.5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        response.then().statusCode(200);
        assertEquals(TRACE_ID, response.header(Tracing.TRACE_ID_HEADER));

        SpanData chat = await(s -> s.getName().equals("chat gpt-test"));
        SpanData server = only(s -> s.getKind() == SpanKind.SERVER && s.getSpanId().equals(chat.getParentSpanId()));
        assertEquals(TRACE_ID, server.getTraceId());
        assertEquals(CLIENT_SPAN, server.getParentSpanId(), "the server span continues the client's trace");
        assertEquals(SpanKind.INTERNAL, chat.getKind());
        assertEquals("chat", attr(chat, "gen_ai.operation.name"));
        assertEquals("gpt-test", attr(chat, "gen_ai.request.model"));
        assertEquals("gpt-4o-mini-2024-07-18", attr(chat, "gen_ai.response.model"));
        assertEquals("openai", attr(chat, "gen_ai.provider.name"));
        assertEquals(19L, chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
        assertEquals(3L, chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")));
        assertEquals(List.of("stop"), chat.getAttributes().get(AttributeKey.stringArrayKey(
                "gen_ai.response.finish_reasons")), "a body that passed through is read for its span");
        assertEquals(50L, chat.getAttributes().get(AttributeKey.longKey("gen_ai.request.max_tokens")));
        assertEquals(0.5, chat.getAttributes().get(AttributeKey.doubleKey("gen_ai.request.temperature")));
        assertEquals(response.header("x-request-id"), attr(chat, "tokenledger.request_id"));

        SpanData ledger = await(s -> s.getName().equals("ledger write") && s.getParentSpanId().equals(chat.getSpanId()));
        SpanData admission = only(s -> s.getName().equals("admission"));
        SpanData cache = only(s -> s.getName().equals("cache lookup"));
        SpanData attempt = only(s -> s.getKind() == SpanKind.CLIENT);
        for (SpanData child : List.of(ledger, admission, cache, attempt)) {
            assertEquals(chat.getSpanId(), child.getParentSpanId(), child.getName() + " is a child of the request span");
            assertEquals(TRACE_ID, child.getTraceId());
        }
        assertEquals(false, cache.getAttributes().get(AttributeKey.booleanKey("tokenledger.cache.hit")));
        assertEquals("chat gpt-4o-mini-2024-07-18", attempt.getName());
        assertEquals("gpt-4o-mini-2024-07-18", attr(attempt, "gen_ai.request.model"));
        assertEquals("mock/gpt-4o-mini-2024-07-18", attr(attempt, "tokenledger.deployment"));

        // the upstream got the attempt's traceparent: the client's trace, the attempt's span
        Upstreams.wireMock().verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("traceparent", matching("00-" + TRACE_ID + "-" + attempt.getSpanId() + "-01")));
        assertNotEquals(CLIENT_SPAN, attempt.getSpanId());

        assertEquals(TRACE_ID, ledgerTraceId(response.header("x-request-id")));

        // the access line as JSON: its values are fields of their own, the trace id among them
        com.fasterxml.jackson.databind.JsonNode line = accessLine(response.header("x-request-id"));
        assertEquals("200", line.path("mdc").path("status").asText(), line.toString());
        assertEquals("gpt-test", line.path("mdc").path("model").asText(), line.toString());
        assertEquals("19", line.path("mdc").path("input_tokens").asText(), line.toString());
        assertEquals(TRACE_ID, line.path("mdc").path("trace_id").asText(), line.toString());
    }

    /**
     * The same attributes whether the body passed through unread (OpenAI client, OpenAI upstream) or was translated
     * (OpenAI client, Anthropic upstream): why the answer finished and the model the answer names, which here differs
     * from the deployment's configured model so that it can only have come from the answer.
     */
    @Test
    void passThroughAndTranslatedAnswersCarryFinishReasonsAndTheAnswersModel() throws Exception {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.COMPLETION.replace("\"model\":\"gpt-4o-mini-2024-07-18\"",
                        "\"model\":\"gpt-4o-mini-answered\"").replace("\"stop\"", "\"length\""))));
        Upstreams.wireMock().stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                        + "\"claude-sonnet-answered\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}],"
                        + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,"
                        + "\"output_tokens\":2}}")));
        SpanData passedThrough = traced("gpt-test");
        assertEquals(List.of("length"), passedThrough.getAttributes().get(AttributeKey.stringArrayKey(
                "gen_ai.response.finish_reasons")));
        assertEquals("gpt-4o-mini-answered", attr(passedThrough, "gen_ai.response.model"));
        SpanData translated = traced("claude-test");
        assertEquals(List.of("stop"), translated.getAttributes().get(AttributeKey.stringArrayKey(
                "gen_ai.response.finish_reasons")));
        assertEquals("claude-sonnet-answered", attr(translated, "gen_ai.response.model"));
        assertEquals("anthropic", attr(translated, "gen_ai.provider.name"));
        assertEquals(12L, translated.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
    }

    /** The request span of one traced chat request for a model. */
    private static SpanData traced(String model) throws InterruptedException {
        InMemoryTraces.EXPORTER.reset();
        Response response = send("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        response.then().statusCode(200);
        return await(s -> s.getName().equals("chat " + model) && s.getKind() == SpanKind.INTERNAL);
    }

    /** An embeddings request: its own GenAI span (operation embeddings, input tokens) and children, traced upstream. */
    @Test
    void anEmbeddingsRequestHasItsSpanTree() throws Exception {
        Upstreams.wireMock().stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                        + "\"embedding\":[0.1,-0.2]}],\"model\":\"text-embedding-3-small\","
                        + "\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}")));
        InMemoryTraces.EXPORTER.reset();
        Upstreams.wireMock().resetRequests();
        Response response = send("/v1/embeddings", "{\"model\":\"mock/text-embedding-3-small\",\"input\":\"hello there\"}");
        response.then().statusCode(200);
        assertEquals(TRACE_ID, response.header(Tracing.TRACE_ID_HEADER));

        SpanData embeddings = await(s -> s.getName().equals("embeddings mock/text-embedding-3-small"));
        assertEquals(SpanKind.INTERNAL, embeddings.getKind());
        assertEquals(TRACE_ID, embeddings.getTraceId());
        assertEquals("embeddings", attr(embeddings, "gen_ai.operation.name"));
        assertEquals("mock/text-embedding-3-small", attr(embeddings, "gen_ai.request.model"));
        assertEquals("openai", attr(embeddings, "gen_ai.provider.name"));
        assertEquals(7L, embeddings.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
        assertEquals(null, embeddings.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")),
                "an embedding has no output tokens");
        assertEquals(response.header("x-request-id"), attr(embeddings, "tokenledger.request_id"));

        await(s -> s.getName().equals("ledger write") && s.getParentSpanId().equals(embeddings.getSpanId()));
        SpanData attempt = only(s -> s.getKind() == SpanKind.CLIENT);
        assertEquals(embeddings.getSpanId(), attempt.getParentSpanId());
        assertEquals(embeddings.getSpanId(), only(s -> s.getName().equals("admission")).getParentSpanId());
        assertEquals("embeddings text-embedding-3-small", attempt.getName());
        assertEquals("embeddings", attr(attempt, "gen_ai.operation.name"));
        Upstreams.wireMock().verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("traceparent", matching("00-" + TRACE_ID + "-" + attempt.getSpanId() + "-01")));
        assertEquals(TRACE_ID, ledgerTraceId(response.header("x-request-id")));
    }

    private static com.fasterxml.jackson.databind.JsonNode accessLine(String requestId) throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < 100; i++) {
            for (String text : java.nio.file.Files.readAllLines(JSON_LOG)) {
                var node = mapper.readTree(text);
                if (AccessLog.CATEGORY.equals(node.path("loggerName").asText())
                        && requestId.equals(node.path("mdc").path("request_id").asText())) {
                    return node;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no JSON access line for " + requestId + " in " + JSON_LOG);
    }

    @Test
    void errorAnswersCarryTheTraceId() {
        Response response = send("/v1/chat/completions",
                "{\"model\":\"no-such-model-anywhere\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        response.then().statusCode(404);
        assertEquals(TRACE_ID, response.header(Tracing.TRACE_ID_HEADER));
    }

    /** A request with the client's {@code traceparent}, through the master key. */
    private static Response send(String path, String body) {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01").body(body).post(path);
    }

    private static String attr(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static SpanData only(Predicate<SpanData> which) {
        List<SpanData> found = InMemoryTraces.EXPORTER.getFinishedSpanItems().stream().filter(which).toList();
        assertEquals(1, found.size(), () -> "spans: " + names());
        return found.get(0);
    }

    private static SpanData await(Predicate<SpanData> which) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Optional<SpanData> found = InMemoryTraces.EXPORTER.getFinishedSpanItems().stream().filter(which).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(25);
        }
        throw new AssertionError("span not finished; spans: " + names());
    }

    private static List<String> names() {
        return InMemoryTraces.EXPORTER.getFinishedSpanItems().stream()
                .map(s -> s.getKind() + " " + s.getName() + " " + s.getSpanId() + "<-" + s.getParentSpanId()).toList();
    }

    private static String ledgerTraceId(String requestId) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = c.prepareStatement("SELECT trace_id FROM usage_event WHERE request_id = ?")) {
            q.setString(1, requestId);
            for (int i = 0; i < 200; i++) {
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return rs.getString(1);
                    }
                }
                Thread.sleep(25);
            }
        }
        throw new AssertionError("no ledger row for " + requestId);
    }
}
