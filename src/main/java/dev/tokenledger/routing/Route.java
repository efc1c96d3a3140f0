package dev.tokenledger.routing;

import java.util.List;

/**
 * Where a requested model goes.
 *
 * @param model the model name the client sent
 * @param targets the deployments that may serve it, in order of preference
 */
public record Route(String model, List<Target> targets) {

    public Route {
        targets = List.copyOf(targets);
    }

    public Target primary() {
        return targets.get(0);
    }
}
