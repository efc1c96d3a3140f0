package dev.tokenledger.routing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.RoutingUpstreams;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static dev.tokenledger.routing.RoutingFixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each strategy does with the deployments of an alias, observed on the upstreams. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class StrategiesTest {

    static void serve(String... models) {
        for (String model : models) {
            answerText(RoutingUpstreams.r1(), model, model);
        }
    }

    @Test
    void roundRobinTakesTurns() {
        serve("rr-a", "rr-b", "rr-c");
        int[] before = {calls(RoutingUpstreams.r1(), "rr-a"), calls(RoutingUpstreams.r1(), "rr-b"),
                calls(RoutingUpstreams.r1(), "rr-c")};
        for (int i = 0; i < 30; i++) {
            text(chat("st-rr"));
        }
        assertEquals(10, calls(RoutingUpstreams.r1(), "rr-a") - before[0]);
        assertEquals(10, calls(RoutingUpstreams.r1(), "rr-b") - before[1]);
        assertEquals(10, calls(RoutingUpstreams.r1(), "rr-c") - before[2]);
    }

    @Test
    void weightedFollowsTheWeights() {
        serve("w-light", "w-heavy");
        int n = 300;
        int heavyBefore = calls(RoutingUpstreams.r1(), "w-heavy");
        for (int i = 0; i < n; i++) {
            text(chat("st-weighted"));
        }
        double share = (calls(RoutingUpstreams.r1(), "w-heavy") - heavyBefore) / (double) n;
        // weight 3 of 4: 0.75; five standard deviations of a binomial share over 300 draws is 0.125
        assertTrue(share > 0.65 && share < 0.85, "share of the weight-3 deployment: " + share);
    }

    @Test
    void fillFirstUsesTheFirstPriorityUntilItFails() {
        serve("ff-first", "ff-second");
        int secondBefore = calls(RoutingUpstreams.r1(), "ff-second");
        for (int i = 0; i < 5; i++) {
            assertEquals("ff-first", text(chat("st-fill")));
        }
        assertEquals(secondBefore, calls(RoutingUpstreams.r1(), "ff-second"));
        answer(RoutingUpstreams.r1(), "ff-first", aResponse().withStatus(503));
        assertEquals("ff-second", text(chat("st-fill")));
    }

    @Test
    void leastBusyAvoidsTheDeploymentHoldingRequests() throws Exception {
        answer(RoutingUpstreams.r1(), "lb-a", aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(completion("lb-a")).withFixedDelay(2500));
        serve("lb-b");
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            // hold one request on lb-a (a request that lands on lb-b first is answered at once)
            CompletableFuture<String> held = null;
            for (int i = 0; i < 3 && held == null; i++) {
                CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> text(chat("st-busy")), clients);
                if (awaitInFlight("r1/lb-a", answer)) {
                    held = answer;
                }
            }
            assertTrue(held != null, "a request is held on lb-a");
            int aBefore = calls(RoutingUpstreams.r1(), "lb-a");
            for (int i = 0; i < 5; i++) {
                assertEquals("lb-b", text(chat("st-busy")), "round-robin would send every other one to lb-a");
            }
            assertEquals(aBefore, calls(RoutingUpstreams.r1(), "lb-a"));
            assertEquals("lb-a", held.join());
        } finally {
            clients.shutdown();
        }
    }

    /** Waits until the deployment has a request in flight, or the answer came (from elsewhere). */
    private static boolean awaitInFlight(String id, CompletableFuture<String> answer) throws InterruptedException {
        while (!answer.isDone()) {
            if (((Number) deployment(id).get("inFlight")).intValue() > 0) {
                return true;
            }
            Thread.sleep(20);
        }
        answer.join();
        return false;
    }

    @Test
    void lowestLatencyPrefersTheFastDeployment() {
        answer(RoutingUpstreams.r1(), "lat-slow", aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(completion("lat-slow")).withFixedDelay(300));
        serve("lat-fast");
        text(chat("st-fast"));
        text(chat("st-fast")); // both measured once now
        int slowBefore = calls(RoutingUpstreams.r1(), "lat-slow");
        for (int i = 0; i < 10; i++) {
            assertEquals("lat-fast", text(chat("st-fast")));
        }
        assertEquals(slowBefore, calls(RoutingUpstreams.r1(), "lat-slow"));
        Object latency = deployment("r1/lat-slow").get("latencyMs");
        assertTrue(((Number) latency).doubleValue() >= 300, "moving average of the slow one: " + latency);
    }

    @Test
    void costPicksTheCheapestCapableDeployment() {
        serve("cost-dear", "cost-cheap-no-tools", "cost-mid");
        assertEquals("cost-cheap-no-tools", text(chat("st-cost")));
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]";
        assertEquals("cost-mid", text(chat(client(), "st-cost", tools)), "the cheapest one cannot call tools");
    }

    @Test
    void aSingleDeploymentThatCannotCallToolsRefusesAToolRequestWithoutCallingIt() {
        serve("one-no-tools");
        assertEquals("one-no-tools", text(chat("st-one-no-tools")));
        int before = calls(RoutingUpstreams.r1(), "one-no-tools");
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]";
        String message = chat(client(), "st-one-no-tools", tools).then().statusCode(400).extract().jsonPath()
                .getString("error.message");
        assertEquals("No deployment of the model 'st-one-no-tools' supports this request (tools).", message);
        assertEquals(before, calls(RoutingUpstreams.r1(), "one-no-tools"), "the deployment was not called");
    }

    @Test
    void sessionAffinityKeepsASessionOnOneDeployment() {
        serve("sticky-a", "sticky-b", "sticky-c");
        String first = text(chat(client().header("x-session", "s-1"), "st-sticky", ""));
        for (int i = 0; i < 9; i++) {
            assertEquals(first, text(chat(client().header("x-session", "s-1"), "st-sticky", "")));
        }
        java.util.Set<String> spread = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            spread.add(text(chat(client().header("x-session", "s-" + i), "st-sticky", "")));
        }
        assertEquals(3, spread.size(), "sessions spread over the deployments");
    }
}
