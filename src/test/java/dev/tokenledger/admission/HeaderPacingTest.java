package dev.tokenledger.admission;

import java.net.URI;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.RateLimitedUpstream;
import dev.tokenledger.testing.RedisBehindProxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that never answers 429 but says in its rate-limit headers (OpenAI's or Anthropic's) that nothing is left
 * above 5 requests per second drives the gateway's admitted rate toward it, as a 429 would; once the headers show room
 * again the rate climbs. A deployment with room costs no Redis call for a principal without limits.
 */
@QuarkusTest
@TestProfile(RedisBehindProxy.Profile.class)
class HeaderPacingTest {

    static final int UPSTREAM_RATE = 5;

    static final String MESSAGE = """
            {"id":"msg_1","type":"message","role":"assistant","model":"%s","content":[{"type":"text","text":"ok"}],
             "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}""";

    @TestHTTPResource("/")
    URI gateway;

    @Inject
    Redis redis;

    @AfterEach
    void quiet() {
        RedisBehindProxy.limited().report(false);
        RedisBehindProxy.limited().rate(Integer.MAX_VALUE);
    }

    @Test
    void openAiHeadersSayingNothingIsLeftLowerTheAdmittedRateAndRoomRaisesIt() throws Exception {
        Tenant.answersAll(RedisBehindProxy.limitedServer(), "headers");
        pacedByHeadersThenRecovers("limited/" + RedisBehindProxy.deployment("headers"));
    }

    @Test
    void anthropicHeadersSayingNothingIsLeftLowerTheAdmittedRateAndRoomRaisesIt() throws Exception {
        RedisBehindProxy.limitedServer().stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(MESSAGE.formatted("claude-headers"))));
        pacedByHeadersThenRecovers("limited-anthropic/" + RedisBehindProxy.deployment("claude-headers"));
    }

    private void pacedByHeadersThenRecovers(String model) throws Exception {
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"rpm\":1000000}");
        RateLimitedUpstream upstream = RedisBehindProxy.limited();
        upstream.report(true);
        upstream.rate(UPSTREAM_RATE);
        int refused = upstream.limited();

        AdaptiveLimitTest.Load load = new AdaptiveLimitTest.Load(gateway, tenant.key(), model);
        try {
            Thread.sleep(6000); // learn
            int served = upstream.ok();
            int admitted = load.admitted.get();
            int sent = load.sent.get();
            Thread.sleep(4000);
            double upstreamRate = (upstream.ok() - served) / 4.0;
            double admittedRate = (load.admitted.get() - admitted) / 4.0;
            double sentRate = (load.sent.get() - sent) / 4.0;
            assertEquals(refused, upstream.limited(), "the reporting upstream refused requests");
            assertTrue(upstreamRate <= 3 * UPSTREAM_RATE, "the upstream still got " + upstreamRate + " requests/s of "
                    + sentRate + " sent");
            assertTrue(admittedRate >= 1, "admitted only " + admittedRate + " requests/s of " + sentRate + " sent ("
                    + load.failed.get() + " failed)");
            assertTrue(sentRate >= 4 * upstreamRate, "the clients sent " + sentRate + " requests/s, the upstream got "
                    + upstreamRate + ": the gateway must have refused the rest");
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("tokenledger_adaptive_header_signals_total{deployment=\"" + model + "\"}"),
                    "no header-signal metric");
            assertTrue(metrics.contains("tokenledger_adaptive_rate{deployment=\"" + model + "\"}"),
                    "no learned-rate metric");

            upstream.rate(1000); // the headers show room again: the rate grows with every success
            double recovered = load.admittedRate(8000, 3);
            assertTrue(recovered >= 2 * UPSTREAM_RATE, "after recovery only " + recovered + " requests/s (paced at "
                    + admittedRate + ")");
        } finally {
            load.stop();
        }
    }

    @Test
    void roomCostsNoRedisCallAndAnExhaustedStreamTeachesThePaceOfAnUnlimitedPrincipal() throws Exception {
        String upstreamModel = RedisBehindProxy.deployment("room");
        String model = "limited/" + upstreamModel;
        Tenant.answers(RedisBehindProxy.limitedServer(), upstreamModel, 0);
        RedisBehindProxy.limitedServer().stubFor(post("/v1/chat/completions")
                .withRequestBody(matchingJsonPath("$.model", equalTo(upstreamModel)))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(OpenAiFixtures.STREAM)));
        RateLimitedUpstream upstream = RedisBehindProxy.limited();
        upstream.report(true);
        upstream.rate(1000);
        Tenant.warmUp(gateway, model);
        Thread.sleep(1000); // earlier settlements are done
        String metrics = scriptCalls();
        for (int i = 0; i < 20; i++) {
            assertEquals(200, Tenant.burst(gateway, OpenAiFixtures.MASTER, Tenant.body(model, 10, false), 1).get(0)
                    .statusCode());
        }
        Thread.sleep(500);
        assertEquals(metrics, scriptCalls(), "requests with room made Redis calls");
        assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(Plans.paceKey(model))).await().indefinitely()
                .toInteger(), "a deployment with room got a pace");

        upstream.rate(1); // now the headers of a streamed answer say nothing is left
        for (int i = 0; i < 3; i++) {
            var streamed = Tenant.burst(gateway, OpenAiFixtures.MASTER, Tenant.body(model, 10, true), 1).get(0);
            assertTrue(streamed.statusCode() != 200 || streamed.body().contains("[DONE]"), streamed.body());
        }
        long rate = 0;
        for (int i = 0; i < 50 && rate == 0; i++) {
            Thread.sleep(100);
            rate = paceRate(model);
        }
        assertTrue(rate > 0, "the exhausted deployment was not paced");
    }

    @Test
    void theFallbackThatAnsweredIsPacedNotThePrimaryThatWasAdmitted() throws Exception {
        for (String model : new String[]{"fallback-broken", "fallback-spare"}) {
            redis.send(Request.cmd(Command.DEL).arg(Plans.paceKey("limited/" + model))).await().indefinitely();
        }
        RedisBehindProxy.limitedServer().stubFor(post("/v1/chat/completions")
                .withRequestBody(matchingJsonPath("$.model", equalTo("fallback-broken")))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"down\"}}")));
        Tenant.answers(RedisBehindProxy.limitedServer(), "fallback-spare", 0);
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"rpm\":1000000}");
        RedisBehindProxy.limited().report(true);
        RedisBehindProxy.limited().rate(1);

        var answer = Tenant.burst(gateway, tenant.key(), Tenant.body("paced-fallback", 10, false), 1).get(0);
        assertEquals(200, answer.statusCode(), answer.body());
        long spare = 0;
        for (int i = 0; i < 50 && spare == 0; i++) {
            Thread.sleep(100);
            spare = paceRate("limited/fallback-spare");
        }
        assertTrue(spare > 0, "the fallback that said nothing is left was not paced");
        assertEquals(0, paceRate("limited/fallback-broken"), "the primary was paced for its fallback's headers");
    }

    private long paceRate(String deployment) {
        Response r = redis.send(Request.cmd(Command.HGET).arg(Plans.paceKey(deployment)).arg("rate")).await()
                .indefinitely();
        return r == null ? 0 : r.toLong();
    }

    /** How many admission and settle scripts this gateway ran, as its metrics say. */
    private static String scriptCalls() {
        StringBuilder calls = new StringBuilder();
        for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
            if (line.startsWith("tokenledger_redis_latency_seconds_count") && (line.contains("operation=\"admit\"")
                    || line.contains("operation=\"settle\""))) {
                calls.append(line).append('\n');
            }
        }
        return calls.toString();
    }
}
