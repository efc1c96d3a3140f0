package dev.tokenledger.routing;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each upstream fault on a primary deployment: the request is answered by the backup deployment (once, one ledger
 * row naming the backup), the primary cools down for the time its fault class calls for, is skipped without a call
 * while it rests, and serves again once the cooldown is over.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class FaultFallbackTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // fault, calls to the primary (a retry in place for transient errors), cooldown ms, cooldown reason
            "reset, 2, 4000, SERVER",
            "empty, 2, 4000, SERVER",
            "malformed, 2, 4000, SERVER",
            "dribble, 2, 4000, SERVER",
            "429, 1, 3000, RATE_LIMITED",
            "500, 2, 4000, SERVER",
            "401, 1, 5000, AUTH"})
    void faultFallsBackCoolsDownAndHeals(String fault, int primaryCalls, long cooldownMs, String reason) throws Exception {
        String alias = "f-" + fault;
        String primary = alias + "-primary";
        String backup = alias + "-backup";
        answer(RoutingUpstreams.r1(), primary, fault(fault));
        answerText(RoutingUpstreams.r2(), backup, "from backup");

        Instant before = Instant.now();
        Response first = chat(alias);
        assertEquals("from backup", text(first));
        Instant after = Instant.now();
        Instant until = cooldownUntil("r1/" + primary);
        assertNotNull(until, "the failing deployment cools down");
        assertEquals(primaryCalls, calls(RoutingUpstreams.r1(), primary));
        assertEquals("from backup", text(chat(alias)));
        assertEquals(primaryCalls, calls(RoutingUpstreams.r1(), primary), "a cooled-down deployment is not called");

        assertEquals(reason, deployment("r1/" + primary).get("cooldownReason"));
        // the cooldown started between the request and its answer (after the retries on the primary)
        assertTrue(!until.isBefore(before.plusMillis(cooldownMs)), "cooldown ends " + until + ", asked at " + before);
        assertTrue(!until.isAfter(after.plusMillis(cooldownMs + 200)), "cooldown ends " + until + ", answered at " + after);
        LedgerRows row = ledger(first.header("x-request-id"));
        assertEquals(1, row.count(), "one ledger row per request");
        assertEquals("r2", row.provider());
        assertEquals(backup, row.upstreamModel());
        assertEquals("ok", row.status());

        answerText(RoutingUpstreams.r1(), primary, "from primary");
        sleepUntil(until.plusMillis(100));
        assertNull(cooldownUntil("r1/" + primary));
        Response healed = chat(alias);
        assertEquals("from primary", text(healed));
        assertEquals("r1", ledger(healed.header("x-request-id")).provider());
        assertFalse(calls(RoutingUpstreams.r2(), backup) > 2, "the backup served only while the primary rested");
    }

    private static ResponseDefinitionBuilder fault(String fault) {
        return switch (fault) {
            case "reset" -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
            case "empty" -> aResponse().withFault(Fault.EMPTY_RESPONSE);
            case "malformed" -> aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK);
            case "dribble" -> aResponse().withStatus(200).withBody(completion("too late"))
                    .withChunkedDribbleDelay(10, 8000);
            case "429" -> aResponse().withStatus(429).withHeader("Retry-After", "3")
                    .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}");
            case "500" -> aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
            case "401" -> aResponse().withStatus(401)
                    .withBody("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}}");
            default -> throw new IllegalArgumentException(fault);
        };
    }
}
