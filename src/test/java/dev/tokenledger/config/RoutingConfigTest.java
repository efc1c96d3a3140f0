package dev.tokenledger.config;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.smallrye.config.SmallRyeConfig;

import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Route;
import dev.tokenledger.routing.Strategy;
import dev.tokenledger.testing.ClassVertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing options of a model alias: validated at start-up, naming the property and the valid choices. */
class RoutingConfigTest {

    /** The Vert.x of {@link ConfigValidationTest#registry}, started for this class too. */
    @RegisterExtension
    static final ClassVertx VERTX = ConfigValidationTest.VERTX;

    static Map<String, String> alias(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("tokenledger.providers.main.type", "openai");
        p.put("tokenledger.models.fast.deployments[0].provider", "main");
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    static ModelRouter router(Map<String, String> properties) {
        SmallRyeConfig config = ConfigValidationTest.config(properties);
        return new ModelRouter(config.getConfigMapping(GatewayConfig.class), ConfigValidationTest.registry(config));
    }

    static String failure(Map<String, String> properties) {
        return assertThrows(IllegalStateException.class, () -> router(properties)).getMessage();
    }

    @Test
    void unknownStrategyNamesTheValidOnes() {
        assertEquals("tokenledger.models.\"fast\".strategy: unknown strategy 'random'; valid strategies: [fill-first, "
                + "round-robin, weighted, least-busy, lowest-latency, cost]",
                failure(alias("tokenledger.models.fast.strategy", "random")));
    }

    @Test
    void fallbackToAnUnknownAliasIsRejected() {
        assertEquals("tokenledger.models.\"fast\".fallbacks: unknown alias 'slow'; configured aliases: [fast]",
                failure(alias("tokenledger.models.fast.fallbacks[0]", "slow")));
        assertEquals("tokenledger.models.\"fast\".context-window-fallback: unknown alias 'big'; configured aliases: [fast]",
                failure(alias("tokenledger.models.fast.context-window-fallback", "big")));
    }

    @Test
    void unknownCapabilityAndNegativeWeightAreRejected() {
        assertEquals("tokenledger.models.\"fast\".deployments[0].capabilities: unknown capability 'telepathy'; "
                + "valid capabilities: [images, tools]",
                failure(alias("tokenledger.models.fast.deployments[0].capabilities", "tools,telepathy")));
        assertEquals("tokenledger.models.\"fast\".deployments[0].weight: must be 0 or more, was -1",
                failure(alias("tokenledger.models.fast.deployments[0].weight", "-1")));
    }

    @Test
    void defaultsAreFillFirstWithoutFallbacksOrCache() {
        Route route = router(alias()).resolve("fast");
        assertEquals(Strategy.FILL_FIRST, route.policy().strategy());
        assertEquals(0, route.policy().fallbacks().size());
        assertEquals(null, route.policy().cacheTtl());
        assertEquals(1, route.primary().traits().weight());
        assertEquals("main/fast", route.primary().id());
    }

    /** Pattern aliases route a model name no configuration names: the most specific pattern wins. */
    @Test
    void patternAliasesRouteNewModelNames() {
        ModelRouter router = router(alias(
                "tokenledger.models.\"claude-*\".deployments[0].provider", "main",
                "tokenledger.models.\"claude-opus-*\".deployments[0].provider", "main",
                "tokenledger.models.\"claude-opus-*\".deployments[0].model", "opus-*-eu",
                "tokenledger.models.\"gpt-5*\".deployments[0].provider", "main",
                "tokenledger.models.\"gpt-5*\".deployments[0].model", "gpt-5"));
        assertEquals("claude-sonnet-9", router.resolve("claude-sonnet-9").primary().upstreamModel());
        assertEquals("claude-sonnet-9", router.resolve("claude-sonnet-9").model());
        assertEquals("opus-5-eu", router.resolve("claude-opus-5").primary().upstreamModel());
        assertEquals("gpt-5", router.resolve("gpt-5.9-codex").primary().upstreamModel());
        assertEquals("fast", router.resolve("fast").model(), "exact aliases first");
        assertTrue(router.knownModels().contains("claude-*"), "/v1/models lists the patterns");
        assertEquals("tokenledger.models.\"a*b*\": a pattern alias has one '*'", failure(alias(
                "tokenledger.models.\"a*b*\".deployments[0].provider", "main")));
    }
}
