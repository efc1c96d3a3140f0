package dev.tokenledger.routing;

import java.util.List;

/**
 * Where a requested model goes.
 *
 * @param model the model name the client sent
 * @param targets the deployments that may serve it, in configuration order
 * @param policy the alias's strategy, fallbacks and cache settings
 */
public record Route(String model, List<Target> targets, RoutePolicy policy) {

    public Route {
        targets = List.copyOf(targets);
    }

    public Route(String model, List<Target> targets) {
        this(model, targets, RoutePolicy.DEFAULT);
    }

    public Target primary() {
        return targets.get(0);
    }
}
