package dev.tokenledger.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.ConfiguredModels;
import dev.tokenledger.usage.TokenEstimator;

/**
 * Sends one request to the deployments of its alias and of the alias's fallbacks until one answers: deployments that
 * cannot serve the request are left out, the rest are ordered by the alias's strategy, cooled-down deployments go last
 * (tried only when nothing else is left, as probes), each attempt runs through its deployment's guard, and each
 * failure is classified once: client errors are the answer, context-length errors go to the larger-context alias,
 * everything else cools the deployment down and moves on.
 */
@ApplicationScoped
public class Failover {

    /** The deployment that answered and its answer. */
    public record Routed<T>(Target target, T value) {
    }

    /** A deployment to try, with the alias it was reached through. */
    private record Candidate(Route route, Target target) {
        String id() {
            return target.id();
        }
    }

    @Inject
    ModelRouter router;

    @Inject
    Strategies strategies;

    @Inject
    Cooldowns cooldowns;

    @Inject
    DeploymentGuards guards;

    @Inject
    DeploymentStats stats;

    @Inject
    TokenEstimator estimator;

    @Inject
    ConfiguredModels configured;

    /** Where a deployment's guard, statistics and cooldown are kept (shared per provider beyond the configuration). */
    String state(Target target) {
        return configured.stateKey(target.provider().id(), target.upstreamModel());
    }

    @Inject
    CredentialRotation credentials;

    /**
     * Routes a request whose answer is complete when {@code call}'s Uni resolves.
     *
     * @param header reads a request header (session affinity), null when absent
     * @param onAttempt told of each deployment before it is called
     */
    public <T> Uni<Routed<T>> call(Route route, ChatRequest request, UnaryOperator<String> header,
            Consumer<Target> onAttempt, Function<Target, Uni<T>> call) {
        return route(route, request, header, onAttempt, call, (value, release) -> {
            release.run();
            return value;
        });
    }

    /**
     * Routes a request whose answer goes on after {@code call}'s Uni resolved (a stream): {@code hold} attaches the
     * release of the deployment's in-flight slot to the end of the answer.
     */
    public <T> Uni<Routed<T>> route(Route route, ChatRequest request, UnaryOperator<String> header,
            Consumer<Target> onAttempt, Function<Target, Uni<T>> call, BiFunction<T, Runnable, T> hold) {
        RequestNeeds needs = new RequestNeeds(request, () -> estimator.promptTokens(request));
        if (route.targets().size() == 1 && route.policy().fallbacks().isEmpty()
                && route.policy().contextWindowFallback() == null) {
            // one deployment and nowhere to fall back to: no cooldown to read, no order to choose
            Target only = route.targets().get(0);
            if (!needs.capable(only) || !needs.fits(only)) {
                return Uni.createFrom().failure(unsupported(route, needs));
            }
            return new Attempts<>(request, header, onAttempt, call, hold, List.of(new Candidate(route, only))).from(0,
                    null);
        }
        // cooldowns first, then order and start at once: in-flight counts must not lag behind the choice
        java.util.Set<String> reachable = new LinkedHashSet<>();
        reachable(route, new LinkedHashSet<>()).values().forEach(t -> reachable.add(state(t)));
        // with a single deployment a cooldown changes nothing (it is tried whatever its state): no Redis read
        Uni<java.util.Map<String, Cooldowns.Cooldown>> active = reachable.size() < 2
                ? Uni.createFrom().item(java.util.Map.of())
                : cooldowns.active(reachable);
        return active.flatMap(cooling -> {
            List<Candidate> candidates = candidates(route, needs, header, new LinkedHashSet<>());
            if (candidates.isEmpty()) {
                return Uni.createFrom().failure(unsupported(route, needs));
            }
            List<Candidate> order = new ArrayList<>(candidates.stream()
                    .filter(t -> !cooling.containsKey(state(t.target()))).toList());
            candidates.stream().filter(t -> cooling.containsKey(state(t.target())))
                    .sorted(Comparator.comparing(t -> cooling.get(state(t.target())).until())).forEach(order::add);
            return new Attempts<>(request, header, onAttempt, call, hold, order).from(0, null);
        });
    }

    private static GatewayError unsupported(Route route, RequestNeeds needs) {
        return GatewayError.of(ErrorKind.UNSUPPORTED, "No deployment of the model '" + route.model()
                + "' supports this request" + needs.describe() + ".");
    }

    /**
     * Every deployment a request for an alias may end up on, through its fallbacks and context-window fallback: the
     * alias's own first (its primary at the head), then theirs.
     */
    public List<Target> reachable(Route route) {
        return List.copyOf(reachable(route, new LinkedHashSet<>()).values());
    }

    private java.util.Map<String, Target> reachable(Route route, Set<String> seen) {
        java.util.Map<String, Target> targets = new java.util.LinkedHashMap<>();
        if (seen.add(route.model())) {
            route.targets().forEach(t -> targets.putIfAbsent(t.id(), t));
            List<String> next = new ArrayList<>(route.policy().fallbacks());
            if (route.policy().contextWindowFallback() != null) {
                next.add(route.policy().contextWindowFallback());
            }
            next.forEach(alias -> fallback(route, alias).ifPresent(r -> reachable(r, seen).forEach(targets::putIfAbsent)));
        }
        return targets;
    }

    /**
     * A fallback of a route, restricted like it; none when the caller may not use the fallback's model (a key's
     * allow-list): a fallback is then left out with everything reached only through it.
     */
    private java.util.Optional<Route> fallback(Route route, String alias) {
        return route.allows().test(alias)
                ? router.find(alias).map(r -> r.within(route.allows()))
                : java.util.Optional.empty();
    }

    /** The deployments of an alias and its fallbacks, each alias in its strategy's order, without repeats. */
    private List<Candidate> candidates(Route route, RequestNeeds needs, UnaryOperator<String> header, Set<String> seen) {
        if (!seen.add(route.model())) {
            return List.of();
        }
        List<Target> capable = route.targets().stream().filter(needs::capable).toList();
        List<Target> fitting = capable.stream().filter(needs::fits).toList();
        String affinity = route.policy().affinityHeader() == null ? null : header.apply(route.policy().affinityHeader());
        List<Candidate> out = new ArrayList<>();
        if (!fitting.isEmpty()) {
            strategies.order(route, fitting, needs, affinity).forEach(t -> out.add(new Candidate(route, t)));
        }
        if (fitting.size() < capable.size() && route.policy().contextWindowFallback() != null) {
            fallback(route, route.policy().contextWindowFallback())
                    .ifPresent(r -> out.addAll(candidates(r, needs, header, seen)));
        }
        for (String fallback : route.policy().fallbacks()) {
            fallback(route, fallback).ifPresent(r -> out.addAll(candidates(r, needs, header, seen)));
        }
        Set<String> ids = new java.util.HashSet<>();
        return out.stream().filter(c -> ids.add(c.id())).toList();
    }

    /** The attempts of one request. */
    private final class Attempts<T> {
        private final ChatRequest request;
        private final UnaryOperator<String> header;
        private final Consumer<Target> onAttempt;
        private final Function<Target, Uni<T>> call;
        private final BiFunction<T, Runnable, T> hold;
        private final List<Candidate> order;

        Attempts(ChatRequest request, UnaryOperator<String> header, Consumer<Target> onAttempt,
                Function<Target, Uni<T>> call, BiFunction<T, Runnable, T> hold, List<Candidate> order) {
            this.request = request;
            this.header = header;
            this.onAttempt = onAttempt;
            this.call = call;
            this.hold = hold;
            this.order = order;
        }

        Uni<Routed<T>> from(int index, Throwable last) {
            if (index >= order.size()) {
                return Uni.createFrom().failure(finalError(last));
            }
            Candidate candidate = order.get(index);
            Target target = candidate.target();
            DeploymentStats.Stats s = stats.of(state(target));
            long start = System.nanoTime();
            return Uni.createFrom().deferred(() -> {
                onAttempt.accept(target);
                s.started();
                boolean[] released = {false};
                Runnable release = () -> {
                    if (!released[0]) {
                        released[0] = true;
                        s.finished();
                    }
                };
                Target[] served = {target};
                // a pool whose every token expired waits for their refresh before the attempt and its timeout start
                Supplier<Uni<T>> guarded = () -> guards.call(state(target), () -> credentials.send(target,
                        withCredential -> {
                            served[0] = withCredential;
                            onAttempt.accept(withCredential);
                            return call.apply(withCredential);
                        }));
                Uni<Void> ready = credentials.ready(target);
                return (ready == CredentialRotation.READY ? guarded.get() : ready.flatMap(ignored -> guarded.get()))
                        .onFailure().invoke(release)
                        .onCancellation().invoke(release)
                        .map(value -> {
                            s.outcome(false, System.nanoTime() - start);
                            return new Routed<>(served[0], hold.apply(value, release));
                        });
            }).onFailure().recoverWithUni(failure -> next(index, candidate, failure));
        }

        private Uni<Routed<T>> next(int index, Candidate candidate, Throwable failure) {
            Target target = candidate.target();
            FailureClass kind = FailureClass.of(failure);
            if (kind.movesOn() && kind != FailureClass.BREAKER_OPEN && kind != FailureClass.REFRESHING) {
                stats.of(state(target)).outcome(true, -1);
            }
            Uni<?> rest = cooldowns.coolDown(state(target), kind,
                    failure instanceof GatewayError g ? g.retryAfter() : null);
            return rest.onFailure().recoverWithNull().flatMap(ignored -> {
                if (kind == FailureClass.CONTEXT_LENGTH) {
                    return contextFallback(candidate.route(), failure);
                }
                boolean moveOn = kind.movesOn()
                        || kind == FailureClass.CONTENT_POLICY && candidate.route().policy().fallbackOnContentPolicy();
                return moveOn ? from(index + 1, failure) : Uni.createFrom().failure(failure);
            });
        }

        /** A context-length error skips to the larger-context alias of the alias the deployment was reached through. */
        private Uni<Routed<T>> contextFallback(Route route, Throwable failure) {
            String larger = route.policy().contextWindowFallback();
            Route next = larger == null ? null : router.find(larger).orElse(null);
            if (next == null) {
                return Uni.createFrom().failure(failure);
            }
            return Failover.this.route(next, request, header, onAttempt, call, hold);
        }
    }

    private static Throwable finalError(Throwable last) {
        if (last == null || last instanceof GatewayError) {
            return last != null ? last : GatewayError.of(ErrorKind.UNAVAILABLE, "No deployment could be tried.");
        }
        if (FailureClass.of(last) == FailureClass.BREAKER_OPEN) {
            return GatewayError.of(ErrorKind.UNAVAILABLE,
                    "Every deployment of this model is failing right now; retry in a little while.");
        }
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream provider failed.", "upstream_error");
    }
}
