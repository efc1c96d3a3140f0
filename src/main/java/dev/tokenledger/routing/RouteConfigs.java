package dev.tokenledger.routing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.tokenledger.config.DeploymentConfig;
import dev.tokenledger.config.ModelConfig;

/** Reads an alias's routing settings from configuration; invalid values fail start-up naming the property. */
final class RouteConfigs {

    private RouteConfigs() {
    }

    static DeploymentTraits traits(String alias, int index, DeploymentConfig d) {
        String property = "tokenledger.models.\"" + alias + "\".deployments[" + index + "].";
        if (d.weight() < 0) {
            throw new IllegalStateException(property + "weight: must be 0 or more, was " + d.weight());
        }
        Set<String> capabilities = d.capabilities().orElse(null);
        if (capabilities != null) {
            for (String c : capabilities) {
                if (!DeploymentTraits.KNOWN_CAPABILITIES.contains(c)) {
                    throw new IllegalStateException(property + "capabilities: unknown capability '" + c
                            + "'; valid capabilities: " + new TreeSet<>(DeploymentTraits.KNOWN_CAPABILITIES));
                }
            }
        }
        long window = d.contextWindow().orElse(0);
        if (window < 0) {
            throw new IllegalStateException(property + "context-window: must be positive, was " + window);
        }
        return new DeploymentTraits(d.weight(), d.priority(), capabilities, window, d.inputPricePerMtok().orElse(null),
                d.outputPricePerMtok().orElse(null));
    }

    static RoutePolicy policy(String alias, ModelConfig model) {
        Strategy strategy;
        try {
            strategy = Strategy.parse(model.strategy());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("tokenledger.models.\"" + alias + "\".strategy: " + e.getMessage());
        }
        return new RoutePolicy(strategy, model.sessionAffinityHeader().orElse(null), model.fallbacks().orElse(List.of()),
                model.contextWindowFallback().orElse(null), model.fallbackOnContentPolicy(), model.cacheTtl().orElse(null),
                model.cacheShared());
    }

    /** Every alias a fallback names must exist. */
    static void checkFallbacks(Map<String, Route> aliases) {
        aliases.forEach((alias, route) -> {
            for (String fallback : route.policy().fallbacks()) {
                if (!aliases.containsKey(fallback)) {
                    throw new IllegalStateException("tokenledger.models.\"" + alias + "\".fallbacks: unknown alias '"
                            + fallback + "'; configured aliases: " + new TreeSet<>(aliases.keySet()));
                }
            }
            String context = route.policy().contextWindowFallback();
            if (context != null && !aliases.containsKey(context)) {
                throw new IllegalStateException("tokenledger.models.\"" + alias + "\".context-window-fallback: unknown alias '"
                        + context + "'; configured aliases: " + new TreeSet<>(aliases.keySet()));
            }
        });
    }
}
