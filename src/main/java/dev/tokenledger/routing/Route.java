package dev.tokenledger.routing;

import java.util.List;
import java.util.function.Predicate;

/**
 * Where a requested model goes.
 *
 * @param model the model name the client sent
 * @param targets the deployments that may serve it, in configuration order
 * @param policy the alias's strategy, fallbacks and cache settings
 * @param allows which fallback models (aliases, or {@code provider/model} names) the caller may be served by: a
 *        fallback it may not use is left out of the route, with everything reached only through it
 */
public record Route(String model, List<Target> targets, RoutePolicy policy, Predicate<String> allows) {

    private static final Predicate<String> ANY = model -> true;

    public Route {
        targets = List.copyOf(targets);
        allows = allows == null ? ANY : allows;
    }

    public Route(String model, List<Target> targets, RoutePolicy policy) {
        this(model, targets, policy, ANY);
    }

    public Route(String model, List<Target> targets) {
        this(model, targets, RoutePolicy.DEFAULT);
    }

    public Target primary() {
        return targets.get(0);
    }

    /** This route for a caller that may only be served by the fallback models {@code allowed} accepts. */
    public Route within(Predicate<String> allowed) {
        return new Route(model, targets, policy, allowed);
    }
}
