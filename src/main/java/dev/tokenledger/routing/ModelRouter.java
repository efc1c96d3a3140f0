package dev.tokenledger.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.DeploymentConfig;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderRegistry;

/**
 * Resolves the model a client names to deployments: a configured alias, a pattern alias (an alias with one {@code *},
 * e.g. {@code claude-*}: the most specific pattern that matches wins, and a deployment without a model, or with a
 * {@code *} in it, gets the name the client asked for, so a new model name routes without a configuration change),
 * {@code <provider-id>/<upstream-model>}, or a plain name served by the default provider.
 */
@Startup
@ApplicationScoped
public class ModelRouter {

    private final ProviderRegistry registry;
    private final Map<String, Route> aliases = new LinkedHashMap<>();
    /** The pattern aliases, most specific (longest) first. */
    private final List<Route> patterns = new ArrayList<>();

    @Inject
    public ModelRouter(GatewayConfig config, ProviderRegistry registry) {
        this.registry = registry;
        config.models().forEach((alias, model) -> {
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < model.deployments().size(); i++) {
                DeploymentConfig d = model.deployments().get(i);
                int index = i;
                Provider provider = registry.find(d.provider()).orElseThrow(() -> new IllegalStateException(
                        "tokenledger.models.\"" + alias + "\".deployments[" + index + "].provider: unknown provider '"
                                + d.provider() + "'; configured providers: " + providerIds()));
                targets.add(new Target(provider, d.model().orElse(alias), RouteConfigs.traits(alias, index, d)));
            }
            if (targets.isEmpty()) {
                throw new IllegalStateException(
                        "tokenledger.models.\"" + alias + "\".deployments: at least one deployment is required");
            }
            aliases.put(alias, new Route(alias, targets, RouteConfigs.policy(alias, model)));
        });
        RouteConfigs.checkFallbacks(aliases);
        aliases.forEach((alias, route) -> {
            int star = alias.indexOf('*');
            if (star >= 0) {
                if (alias.indexOf('*', star + 1) >= 0) {
                    throw new IllegalStateException("tokenledger.models.\"" + alias
                            + "\": a pattern alias has one '*'");
                }
                patterns.add(route);
            }
        });
        patterns.sort(java.util.Comparator.comparingInt((Route r) -> r.model().length()).reversed());
    }

    /** The route of a pattern alias for one model name it matches, or null when it does not match. */
    private static Route matching(Route pattern, String model) {
        String alias = pattern.model();
        int star = alias.indexOf('*');
        String prefix = alias.substring(0, star);
        String suffix = alias.substring(star + 1);
        if (model.length() < prefix.length() + suffix.length() || !model.startsWith(prefix) || !model.endsWith(suffix)) {
            return null;
        }
        String part = model.substring(prefix.length(), model.length() - suffix.length());
        List<Target> targets = pattern.targets().stream()
                .map(t -> new Target(t.provider(), t.upstreamModel().replace("*", part), t.traits(), t.credentialId()))
                .toList();
        return new Route(model, targets, pattern.policy(), pattern.allows());
    }

    /** The configured aliases with their routes. */
    public Map<String, Route> aliases() {
        return java.util.Collections.unmodifiableMap(aliases);
    }

    private TreeSet<String> providerIds() {
        TreeSet<String> ids = new TreeSet<>();
        registry.all().forEach(p -> ids.add(p.id()));
        return ids;
    }

    /**
     * @throws GatewayError of kind not found when nothing serves the model
     */
    public Route resolve(String model) {
        return find(model).orElseThrow(() -> GatewayError.of(ErrorKind.NOT_FOUND, "The model '" + model
                + "' does not exist or is not served by this gateway. GET /v1/models lists the models you can use; "
                + "a configured provider's model can also be named as '<provider>/<model>'."));
    }

    public Optional<Route> find(String model) {
        Route alias = aliases.get(model);
        if (alias != null) {
            return Optional.of(alias);
        }
        for (Route pattern : patterns) {
            Route route = matching(pattern, model);
            if (route != null) {
                return Optional.of(route);
            }
        }
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1) {
            Optional<Provider> provider = registry.find(model.substring(0, slash));
            if (provider.isPresent()) {
                return Optional.of(new Route(model, List.of(new Target(provider.get(), model.substring(slash + 1)))));
            }
        }
        return registry.defaultProvider().map(p -> new Route(model, List.of(new Target(p, model))));
    }

    /** Every model name a client can use that the configuration names: aliases and their deployments' routes. */
    public List<String> knownModels() {
        TreeSet<String> models = new TreeSet<>(aliases.keySet());
        for (Route route : aliases.values()) {
            for (Target target : route.targets()) {
                models.add(target.provider().id() + "/" + target.upstreamModel());
            }
        }
        return new ArrayList<>(models);
    }
}
