package dev.tokenledger.routing;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Fault;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.RoutingUpstreams;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static dev.tokenledger.routing.RoutingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streams: before the first event reaches the client a failure goes to the next deployment; after it, the stream ends
 * with an error event, nothing is spliced in from elsewhere, and the ledger row bills what was delivered.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class StreamFailoverTest {

    static final String STREAM = ",\"stream\":true";

    /** The text of an OpenAI event stream's content deltas. */
    static String streamText(String sse) {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {") && line.contains("\"delta\"")) {
                String content = io.restassured.path.json.JsonPath.from(line.substring(6))
                        .getString("choices[0].delta.content");
                text.append(content == null ? "" : content);
            }
        }
        return text.toString();
    }

    @Test
    void streamResetBeforeTheFirstEventIsServedByTheBackup() throws Exception {
        answer(RoutingUpstreams.r1(), "f-stream-reset-primary", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        answerStream(RoutingUpstreams.r2(), "f-stream-reset-backup", "from backup");

        Response response = chat(client(), "f-stream-reset", STREAM);

        response.then().statusCode(200);
        String body = response.asString();
        assertEquals("from backup", streamText(body));
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
        LedgerRows row = ledger(response.header("x-request-id"));
        assertEquals(1, row.count());
        assertEquals("r2", row.provider());
        assertEquals("ok", row.status());
    }

    @Test
    void errorAsTheFirstEventIsServedByTheBackup() throws Exception {
        answer(RoutingUpstreams.r1(), "f-stream-error-event-primary", aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n"));
        answerStream(RoutingUpstreams.r2(), "f-stream-error-event-backup", "second try");

        Response response = chat(client(), "f-stream-error-event", STREAM);

        assertEquals("second try", streamText(response.then().statusCode(200).extract().asString()));
        assertEquals("r2", ledger(response.header("x-request-id")).provider());
    }

    @Test
    void streamCutAfterTheFirstEventEndsWithAnErrorEventAndAPartialRow() throws Exception {
        answer(RoutingUpstreams.r1(), "f-stream-cut-primary", aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half an answer\"},\"finish_reason\":null}]}\n\n"));
        answerStream(RoutingUpstreams.r2(), "f-stream-cut-backup", "never");
        int backupBefore = calls(RoutingUpstreams.r2(), "f-stream-cut-backup");

        Response response = chat(client(), "f-stream-cut", STREAM);

        String body = response.then().statusCode(200).extract().asString();
        assertEquals("Half an answer", streamText(body));
        assertTrue(body.endsWith("\"code\":\"upstream_stream_truncated\"}}\n\n"), body);
        assertFalse(body.contains("[DONE]"));
        assertEquals(backupBefore, calls(RoutingUpstreams.r2(), "f-stream-cut-backup"), "nothing spliced in");
        LedgerRows row = ledger(response.header("x-request-id"));
        assertEquals(1, row.count());
        assertEquals("r1", row.provider());
        assertEquals("upstream_error", row.status());
        assertTrue(row.outputTokens() > 0, "what was delivered is billed");
        assertEquals("estimated", row.usageSource());
    }
}
