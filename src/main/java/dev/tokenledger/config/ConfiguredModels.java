package dev.tokenledger.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * What the configuration names, as the bound for everything keyed by a model: metric labels, per-deployment guards,
 * statistics, cooldowns and paces. A client may name any {@code <provider>/<model>} (or any model of the default
 * provider); those it names beyond the configuration share one label ({@value #OTHER}) and one state per provider
 * ({@code <provider>/*}), so that no number of distinct names grows memory, meters or Redis keys.
 */
@ApplicationScoped
public class ConfiguredModels {

    /** The metric label of every model the configuration does not name. */
    public static final String OTHER = "other";

    private final Set<String> aliases = new HashSet<>();
    private final Set<String> deployments = new HashSet<>();
    /** The configured deployments' models by provider id: looked up per request without building a string. */
    private final Map<String, Set<String>> deploymentModels = new HashMap<>();
    /** {@code <provider>/*} by provider id, at most {@link #MAX_SHARED_KEYS}: the state key of unconfigured models. */
    private final Map<String, String> sharedKeys = new ConcurrentHashMap<>();
    private static final int MAX_SHARED_KEYS = 256;

    @Inject
    public ConfiguredModels(GatewayConfig config) {
        config.models().forEach((alias, model) -> {
            aliases.add(alias);
            model.deployments().forEach(d -> {
                deployments.add(d.provider() + "/" + d.model().orElse(alias));
                deploymentModels.computeIfAbsent(d.provider(), p -> new HashSet<>()).add(d.model().orElse(alias));
            });
        });
    }

    ConfiguredModels() {
    }

    /** Nothing configured: every model is {@value #OTHER} (for code that runs outside the application, e.g. tools). */
    public static ConfiguredModels none() {
        return new ConfiguredModels();
    }

    /** Whether a name a client may send is configured: an alias, or a configured deployment's {@code provider/model}. */
    public boolean known(String model) {
        return model != null && (aliases.contains(model) || deployments.contains(model));
    }

    /** The label of a requested model in metrics: itself when configured, else {@value #OTHER}. */
    public String label(String model) {
        return known(model) ? model : OTHER;
    }

    /** Whether a provider's model is a configured deployment. */
    public boolean deployment(String providerId, String upstreamModel) {
        Set<String> models = deploymentModels.get(providerId);
        return models != null && models.contains(upstreamModel);
    }

    /**
     * The key of what is kept per deployment (guard, breaker, statistics, cooldown, pace): the deployment id
     * {@code <provider>/<model>} when configured, else the provider's shared {@code <provider>/*}.
     */
    public String stateKey(String providerId, String upstreamModel) {
        if (deployment(providerId, upstreamModel)) {
            return providerId + "/" + upstreamModel;
        }
        String shared = providerId == null ? null : sharedKeys.get(providerId);
        if (shared == null) {
            shared = providerId + "/*";
            if (providerId != null && sharedKeys.size() < MAX_SHARED_KEYS) {
                sharedKeys.put(providerId, shared);
            }
        }
        return shared;
    }
}
