package dev.tokenledger.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.testing.Await;
import dev.tokenledger.testing.LedgerRows;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.usage.UsageRecord;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream that delivered content is billed even when its replica dies before the stream ends: its provisional row,
 * written when the first content left, becomes its ledger row at the estimate once no replica touches it any more.
 * A stream that ends normally still has exactly one row, its own.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class InterruptedStreamTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ProvisionalRows provisional;

    @Inject
    LedgerWriter ledger;

    @Test
    void aStreamThatEndsNormallyHasExactlyItsOwnRow() throws Exception {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.STREAM)));
        Response answer = given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertEquals(200, answer.statusCode());
        String id = answer.header("x-request-id");
        // the provisional row was written when the first content left (off the stream's path, so it may land after)
        waitFor("the stream's provisional row", () -> count("usage_provisional", id) == 1);
        assertTrue(!provisional.holds(id), "the stream's own row released it on this replica");

        provisional.sweep(Duration.ZERO).await().atMost(WAIT);
        assertEquals(0, count("usage_provisional", id), "the provisional row is dropped once the stream's own row is there");
        assertEquals(List.of("ok", "provider"), statusAndSource(id), "exactly its own row");
        assertEquals(1, count("usage_event", id));
    }

    @Test
    void aStreamWhoseReplicaDiedIsBilledOnceAtItsEstimate() throws Exception {
        String id = "interrupted-" + UUID.randomUUID();
        provisional.open(estimate(id));
        waitFor("the provisional row", () -> count("usage_provisional", id) == 1);

        // while its replica runs the stream, it is not taken as interrupted, however old the row
        provisional.sweep(Duration.ZERO).await().atMost(WAIT);
        assertEquals(0, count("usage_event", id));

        // the replica dies: nothing touches or finishes the row any more (a restarted replica knows nothing of it)
        provisional.close(id);
        assertTrue(provisional.sweep(Duration.ZERO).await().atMost(WAIT) >= 1);
        assertEquals(List.of("interrupted", "estimated"), statusAndSource(id));
        try (Connection db = db();
                PreparedStatement q = db.prepareStatement(
                        "SELECT input_tokens, output_tokens, cost_micros, streamed FROM usage_event WHERE request_id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(120, rs.getLong(1), "the prompt estimate");
                assertEquals(4096, rs.getLong(2), "the output cap the hold reserved");
                assertEquals(2_500, rs.getLong(3), "the worst case's cost");
                assertTrue(rs.getBoolean(4));
            }
        }
        assertEquals(0, count("usage_provisional", id));

        // a second sweep, or the stream's own row arriving late (a spool replayed after a restart), adds nothing
        provisional.sweep(Duration.ZERO).await().atMost(WAIT);
        ledger.record(UsageRecord.builder(id, Instant.now(), principal()).request("openai", "gpt-test", "chat", null)
                .upstream("mock", "openai", "gpt-test").outcome(UsageRecord.Outcome.OK, null)
                .usage(new Usage(120, 0, 0, 7, 0, Usage.Source.PROVIDER), priced(10)).timing(true, 1_000_000L, 1_000L)
                .build()).toCompletableFuture().get();
        assertEquals(1, count("usage_event", id), "billed once");
        assertEquals(List.of("interrupted", "estimated"), statusAndSource(id));
    }

    private static UsageRecord estimate(String id) {
        return UsageRecord.builder(id, Instant.now(), principal()).request("openai", "gpt-test", "chat", null)
                .upstream("mock", "openai", "gpt-test").outcome(UsageRecord.Outcome.UPSTREAM_ERROR, null)
                .usage(new Usage(120, 0, 0, 4096, 0, Usage.Source.ESTIMATED), priced(2_500)).timing(true, 1_000L, 1_000L)
                .build();
    }

    private static Principal principal() {
        UUID key = UUID.randomUUID();
        return new Principal("key:" + key, false, key, UUID.randomUUID(), UUID.randomUUID(), List.of());
    }

    private static PricedUsage priced(long micros) {
        return new PricedUsage(new Cost(BigDecimal.valueOf(micros, 6), micros, Map.of()), null);
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
    }

    private static long count(String table, String id) throws Exception {
        try (Connection db = db();
                PreparedStatement q = db.prepareStatement("SELECT count(*) FROM " + table + " WHERE request_id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<Object> statusAndSource(String id) throws Exception {
        return LedgerRows.columns(TestDb.JDBC_URL, id, "status", "usage_source");
    }

    private static void waitFor(String what, Await.Condition condition) throws Exception {
        Await.until(what, WAIT, Duration.ofMillis(50), condition);
    }
}
