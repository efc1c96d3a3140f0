package dev.tokenledger.pricing;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.ConfiguredModels;

/**
 * Prices usage from the catalogue. A deployment's own provider id is looked up first (a negotiated or internal rate
 * entered for that provider), then the catalogue provider of its type. A model with no price is reported unpriced,
 * counted in a metric and logged once per model: never priced at zero.
 */
@ApplicationScoped
public class Pricer {

    @Inject
    PriceBook book;

    @Inject
    MeterRegistry registry;

    @Inject
    ConfiguredModels configured;

    private final Set<String> reportedUnpriced = ConcurrentHashMap.newKeySet();
    private final Map<String, Counter> unpricedCounters = new ConcurrentHashMap<>();

    public PricedUsage price(String providerId, String catalogueProvider, String model, Usage usage, Instant at) {
        var version = version(providerId, catalogueProvider, model, at);
        if (version.isEmpty()) {
            unpriced(providerId, catalogueProvider, model);
            return PricedUsage.UNPRICED;
        }
        TokenCounts counts;
        try {
            counts = new TokenCounts(usage.promptTokens(), usage.cachedPromptTokens(), usage.cacheWriteTokens(), 0,
                    usage.completionTokens(), usage.reasoningTokens());
        } catch (IllegalArgumentException e) {
            Log.warnf("Usage for %s/%s is inconsistent and left unpriced: %s", catalogueProvider, ClientText.forLog(model),
                    e.getMessage());
            unpriced(providerId, catalogueProvider, model);
            return PricedUsage.UNPRICED;
        }
        return new PricedUsage(CostCalculator.cost(version.get().prices(), counts), version.get().id());
    }

    /**
     * The cost usage would have at a time, e.g. the worst case of a request for a budget hold; empty when the model has
     * no price. Unlike {@link #price}, nothing is counted or logged.
     */
    public java.util.Optional<Cost> quote(String providerId, String catalogueProvider, String model, Usage usage,
            Instant at) {
        return version(providerId, catalogueProvider, model, at).map(v -> CostCalculator.cost(v.prices(),
                new TokenCounts(usage.promptTokens(), usage.cachedPromptTokens(), usage.cacheWriteTokens(), 0,
                        usage.completionTokens(), usage.reasoningTokens())));
    }

    private java.util.Optional<PriceVersion> version(String providerId, String catalogueProvider, String model,
            Instant at) {
        var version = book.find(providerId, model, at);
        if (version.isEmpty() && !catalogueProvider.equals(providerId)) {
            version = book.find(catalogueProvider, model, at);
        }
        return version;
    }

    /**
     * Counts and reports an unpriced request. The model label is the model of a configured deployment, or
     * {@code other} for every model a client named beyond the configuration: labels and log lines stay bounded.
     */
    private void unpriced(String providerId, String provider, String model) {
        String label = configured.deployment(providerId, model) ? model : ConfiguredModels.OTHER;
        String key = provider + "/" + label;
        unpricedCounters.computeIfAbsent(key, k -> Counter.builder("tokenledger.unpriced.requests")
                .description("Requests recorded with an unknown cost because their model has no price")
                .tags("provider", String.valueOf(provider), "model", String.valueOf(label))
                .register(registry)).increment();
        if (reportedUnpriced.add(key)) {
            Log.warnf("No price for model %s of provider %s: its requests are recorded with cost unknown%s",
                    ClientText.forLog(model), provider, label.equals(model)
                            ? ""
                            : " (reported once for every "
                                    + "model outside the configuration)");
        }
    }
}
