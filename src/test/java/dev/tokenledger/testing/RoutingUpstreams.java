package dev.tokenledger.testing;

import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import static dev.tokenledger.testing.UpstreamConfig.deployment;
import static dev.tokenledger.testing.UpstreamConfig.deploymentKey;

/**
 * Two more WireMock upstreams, providers {@code r1} and {@code r2}, and the model aliases the routing and cache tests
 * use: one per strategy, one per fault (a primary on {@code r1}, a backup on {@code r2}), fallback chains and a cached
 * alias. Guards, retries and cooldowns are shortened so that cooling down and coming back fit in a test.
 */
public class RoutingUpstreams implements QuarkusTestResourceLifecycleManager {

    /** Faults with a deployment pair each: alias {@code f-<fault>}, deployments {@code r1/f-<fault>-primary} and {@code r2/f-<fault>-backup}. */
    public static final String[] FAULTS = {"reset", "empty", "malformed", "dribble", "429", "500", "401", "stream-reset",
            "stream-error-event", "stream-cut"};

    private static WireMockServer r1;
    private static WireMockServer r2;

    public static WireMockServer r1() {
        return r1;
    }

    public static WireMockServer r2() {
        return r2;
    }

    @Override
    public Map<String, String> start() {
        r1 = UpstreamConfig.wireMock(0);
        r2 = UpstreamConfig.wireMock(0);
        Map<String, String> c = new HashMap<>();
        provider(c, "r1", r1);
        provider(c, "r2", r2);
        c.put("tokenledger.routing.attempt-timeout", "3s");
        c.put("tokenledger.routing.max-retries", "1");
        c.put("tokenledger.routing.retry-delay", "20ms");
        c.put("tokenledger.routing.max-retry-delay", "300ms");
        // the breaker has its own test; here it must not open across unrelated tests
        c.put("tokenledger.routing.breaker-request-volume", "1000");
        c.put("tokenledger.routing.cooldown.auth", "5s");
        c.put("tokenledger.routing.cooldown.not-found", "3s");
        c.put("tokenledger.routing.cooldown.rate-limited", "1s");
        c.put("tokenledger.routing.cooldown.rate-limited-max", "5s");
        c.put("tokenledger.routing.cooldown.server-error", "4s");
        for (String fault : FAULTS) {
            String alias = "f-" + fault;
            deployment(c, alias, 0, "r1", alias + "-primary");
            deployment(c, alias, 1, "r2", alias + "-backup");
            c.put(deploymentKey(alias, 1) + "priority", "1");
        }
        strategies(c);
        // a chain across providers: one deployment, then a fallback alias
        deployment(c, "chain", 0, "r1", "chain-primary");
        c.put("tokenledger.models.chain.fallbacks[0]", "chain-backup");
        deployment(c, "chain-backup", 0, "r2", "chain-backup");
        deployment(c, "chain-client", 0, "r1", "chain-client-primary");
        c.put("tokenledger.models.chain-client.fallbacks[0]", "chain-backup");
        // context too long: the larger-context alias
        deployment(c, "small", 0, "r1", "small-context");
        c.put("tokenledger.models.small.context-window-fallback", "large");
        deployment(c, "large", 0, "r2", "large-context");
        // the response cache
        deployment(c, "cached", 0, "r1", "cache-model");
        c.put("tokenledger.models.cached.cache-ttl", "1m");
        return c;
    }

    private static void strategies(Map<String, String> c) {
        strategy(c, "st-rr", "round-robin", "rr-a", "rr-b", "rr-c");
        strategy(c, "st-weighted", "weighted", "w-light", "w-heavy");
        c.put(deploymentKey("st-weighted", 1) + "weight", "3");
        strategy(c, "st-fill", "fill-first", "ff-second", "ff-first");
        c.put(deploymentKey("st-fill", 0) + "priority", "2");
        c.put(deploymentKey("st-fill", 1) + "priority", "1");
        strategy(c, "st-busy", "least-busy", "lb-a", "lb-b");
        strategy(c, "st-fast", "lowest-latency", "lat-slow", "lat-fast");
        strategy(c, "st-cost", "cost", "cost-dear", "cost-cheap-no-tools", "cost-mid");
        price(c, "st-cost", 0, "5", "10");
        price(c, "st-cost", 1, "0.1", "0.2");
        price(c, "st-cost", 2, "1", "2");
        c.put(deploymentKey("st-cost", 0) + "capabilities", "tools,images");
        c.put(deploymentKey("st-cost", 1) + "capabilities", "images");
        c.put(deploymentKey("st-cost", 2) + "capabilities", "tools");
        // one deployment and no fallback: refused, not tried, when it cannot serve the request
        deployment(c, "st-one-no-tools", 0, "r1", "one-no-tools");
        c.put(deploymentKey("st-one-no-tools", 0) + "capabilities", "images");
        strategy(c, "st-sticky", "round-robin", "sticky-a", "sticky-b", "sticky-c");
        c.put("tokenledger.models.st-sticky.session-affinity-header", "x-session");
    }

    private static void strategy(Map<String, String> c, String alias, String strategy, String... models) {
        c.put("tokenledger.models." + alias + ".strategy", strategy);
        for (int i = 0; i < models.length; i++) {
            deployment(c, alias, i, "r1", models[i]);
        }
    }

    private static void price(Map<String, String> c, String alias, int index, String input, String output) {
        c.put(deploymentKey(alias, index) + "input-price-per-mtok", input);
        c.put(deploymentKey(alias, index) + "output-price-per-mtok", output);
    }

    private static void provider(Map<String, String> c, String id, WireMockServer server) {
        UpstreamConfig.provider(c, id, "openai", server.baseUrl() + "/v1", "api-key", "sk-" + id, "timeout", "5s");
    }

    @Override
    public void stop() {
        if (r1 != null) {
            r1.stop();
        }
        if (r2 != null) {
            r2.stop();
        }
    }
}
