package dev.tokenledger.pricing;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.ConfiguredModels;

/**
 * Prices usage from the catalogue: the one pricing path of the live bill, the admin quote and the reprice. A
 * deployment's own provider id is looked up first (a negotiated or internal rate entered for that provider), then its
 * configured price provider (the catalogue provider of its type unless configured otherwise), each by exact model id,
 * match clauses, then wildcard ({@link PriceBook#resolve}), for the service tier the provider reported; an Amazon
 * Bedrock foundation-model or inference-profile ARN that nothing prices as a whole is looked up again as the model id
 * it names ({@link #bedrockArnModel}). A model with
 * no price, or usage the sheet cannot price, is reported unpriced, counted in a metric and logged once per model:
 * never priced at zero.
 */
@ApplicationScoped
public class Pricer {

    private static final int MAX_LOGGED = 1000;

    private final PriceBook book;
    private final MeterRegistry registry;
    private final ConfiguredModels configured;
    private final Set<String> reportedUnpriced = ConcurrentHashMap.newKeySet();
    private final Map<String, Counter> unpricedCounters = new ConcurrentHashMap<>();

    public Pricer(PriceBook book, MeterRegistry registry, ConfiguredModels configured) {
        this.book = book;
        this.registry = registry;
        this.configured = configured;
    }

    /** Prices a served request's usage; an unknown price is counted and logged. */
    public PricedUsage price(String providerId, String catalogueProvider, String model, Usage usage, Instant at) {
        PricedUsage priced = evaluate(providerId, catalogueProvider, model, usage, at);
        if (!priced.priced()) {
            unpriced(providerId, catalogueProvider, model);
        }
        return priced;
    }

    /**
     * The cost usage would have at a time, e.g. the worst case of a request for a budget hold; empty when the model has
     * no price. Unlike {@link #price}, nothing is counted or logged.
     */
    public Optional<Cost> quote(String providerId, String catalogueProvider, String model, Usage usage, Instant at) {
        return Optional.ofNullable(evaluate(providerId, catalogueProvider, model, usage, at).cost());
    }

    /**
     * What {@link #price} computes, without counting or logging: the same lookup and arithmetic for the bill, the
     * quote and the reprice.
     */
    public PricedUsage evaluate(String providerId, String catalogueProvider, String model, Usage usage, Instant at) {
        String tier = ServiceTier.normalize(usage.detail().serviceTier());
        Optional<PriceBook.Resolved> found = resolve(providerId, catalogueProvider, model, tier, at);
        if (found.isEmpty()) {
            return new PricedUsage(null, null, catalogueProvider, null, null);
        }
        PriceVersion version = found.get().version();
        Cost cost;
        try {
            cost = CostCalculator.cost(version.prices(), counts(usage));
        } catch (IllegalArgumentException e) {
            if (reportedUnpriced.size() < MAX_LOGGED && reportedUnpriced.add("usage/" + catalogueProvider + "/" + model)) {
                Log.warnf("Usage for %s/%s cannot be priced and is left unpriced: %s", catalogueProvider,
                        ClientText.forLog(model), e.getMessage());
            }
            return new PricedUsage(null, null, catalogueProvider, version.model(), found.get().match().id());
        }
        return new PricedUsage(cost, version.id(), catalogueProvider, version.model(), found.get().match().id());
    }

    private Optional<PriceBook.Resolved> resolve(String providerId, String catalogueProvider, String model, String tier,
            Instant at) {
        Optional<PriceBook.Resolved> found = resolveName(providerId, catalogueProvider, model, tier, at);
        String named = found.isEmpty() ? bedrockArnModel(model) : null;
        return named == null ? found : resolveName(providerId, catalogueProvider, named, tier, at);
    }

    /**
     * The model id an Amazon Bedrock ARN of a foundation model or an inference profile names
     * ({@code arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0}), or null: such an
     * ARN is priced as that id when the ARN itself has no entry. An application inference profile's ARN names no model
     * and is priced only by an entry of its own.
     */
    static String bedrockArnModel(String model) {
        if (model == null || !model.startsWith("arn:")) {
            return null;
        }
        String[] parts = model.split(":", 6);
        if (parts.length < 6 || !"bedrock".equals(parts[2])) {
            return null;
        }
        for (String type : new String[]{"foundation-model/", "inference-profile/"}) {
            if (parts[5].startsWith(type) && parts[5].length() > type.length()) {
                return parts[5].substring(type.length());
            }
        }
        return null;
    }

    private Optional<PriceBook.Resolved> resolveName(String providerId, String catalogueProvider, String model,
            String tier, Instant at) {
        // empty when there is no deployment provider (a null provider resolves nothing)
        Optional<PriceBook.Resolved> found = book.resolve(providerId, model, tier, at);
        if (found.isEmpty() && catalogueProvider != null && !catalogueProvider.equals(providerId)) {
            found = book.resolve(catalogueProvider, model, tier, at);
        }
        return found;
    }

    /**
     * A usage's counts by unit: all input, its cache reads and writes (by lifetime), audio, image, video and tool
     * parts, all output with its reasoning, audio and image parts, web searches, seconds of audio (all, sent, received),
     * millionths of credits and one request.
     * {@link IllegalArgumentException} when the counts contradict each other.
     */
    public static TokenCounts counts(Usage usage) {
        Usage.Detail d = usage.detail();
        Map<Unit, Long> counts = new EnumMap<>(Unit.class);
        counts.put(Unit.INPUT, usage.promptTokens());
        counts.put(Unit.CACHE_READ, usage.cachedPromptTokens());
        counts.put(Unit.CACHE_WRITE, usage.cacheWriteTokens());
        counts.put(Unit.CACHE_WRITE_1H, d.cacheWrite1hTokens());
        counts.put(Unit.CACHE_WRITE_5M, usage.cacheWriteTokens() - d.cacheWrite1hTokens());
        counts.put(Unit.INPUT_AUDIO, d.inputAudioTokens());
        counts.put(Unit.CACHE_AUDIO_READ, d.cachedAudioTokens());
        counts.put(Unit.INPUT_IMAGE, d.inputImageTokens());
        counts.put(Unit.CACHE_IMAGE_READ, d.cachedImageTokens());
        counts.put(Unit.INPUT_VIDEO, d.inputVideoTokens());
        counts.put(Unit.INPUT_TOOL, d.toolPromptTokens());
        counts.put(Unit.OUTPUT, usage.completionTokens());
        counts.put(Unit.REASONING, usage.reasoningTokens());
        counts.put(Unit.OUTPUT_AUDIO, d.outputAudioTokens());
        counts.put(Unit.OUTPUT_IMAGE, d.outputImageTokens());
        counts.put(Unit.WEB_SEARCHES, d.webSearches());
        counts.put(Unit.AUDIO_SECONDS, d.inputAudioSeconds() + d.outputAudioSeconds());
        counts.put(Unit.INPUT_AUDIO_SECONDS, d.inputAudioSeconds());
        counts.put(Unit.OUTPUT_AUDIO_SECONDS, d.outputAudioSeconds());
        counts.put(Unit.CREDITS, d.microCredits());
        counts.put(Unit.REQUESTS, 1L);
        return new TokenCounts(counts);
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
