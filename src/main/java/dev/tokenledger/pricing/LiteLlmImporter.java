package dev.tokenledger.pricing;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Imports a LiteLLM {@code model_prices_and_context_window.json}: one object keyed by model name, prices in USD per
 * single token.
 * <p>
 * Only models of mode {@code chat}, {@code completion}, {@code responses} and {@code embedding} are imported; the
 * {@code sample_spec} entry (a schema description) is ignored. The provider is {@code litellm_provider}; the model is
 * the key, without a leading {@code <provider>/} when that prefix equals the provider. Each per-token price is
 * converted to USD per million tokens from its JSON literal (exact decimal arithmetic, trailing zeros removed):
 * <ul>
 * <li>{@code input_cost_per_token} -> input, {@code output_cost_per_token} -> output,
 * {@code output_cost_per_reasoning_token} -> reasoning, {@code cache_read_input_token_cost} -> cache read,
 * {@code cache_creation_input_token_cost} -> cache write, {@code cache_creation_input_token_cost_above_1hr} -> one-hour
 * cache write; {@code input_cost_per_audio_token}, {@code cache_read_input_audio_token_cost},
 * {@code output_cost_per_audio_token}, {@code input_cost_per_image_token}, {@code cache_read_input_image_token_cost},
 * {@code output_cost_per_image_token}, {@code input_cost_per_video_token} -> the audio, image and video units;</li>
 * <li>{@code search_context_cost_per_query} (USD per search by context size) -> web searches per thousand, at the
 * {@code search_context_size_medium} price (LiteLLM's default size);</li>
 * <li>{@code <one of those>_above_<N>k_tokens} -> a tier of that unit starting at N x 1000 input tokens (applied when
 * the request's input is strictly greater, as for every tier of the catalogue; the file itself does not say whether
 * its thresholds are inclusive);</li>
 * <li>a field ending in {@code _priority}, {@code _flex} or {@code _batches} is that field's price in the service
 * tier priority, flex or batch: each tier becomes an entry of its own, the standard prices with the tier's in their
 * place;</li>
 * <li>any other price field ({@code *cost*}, {@code *pricing*}) with a non-zero value (per image, per second, per
 * character, ...) skips the model: dropping it would under-price the model.</li>
 * </ul>
 * An embedding model without {@code output_cost_per_token} gets an output price of 0; any other model without an
 * input or output price is skipped. LiteLLM has no effective dates: every entry takes the given {@code effectiveFrom}.
 */
public final class LiteLlmImporter {

    private static final Set<String> MODES = Set.of("chat", "completion", "responses", "embedding");

    private static final Map<String, Unit> FIELDS = Map.ofEntries(Map.entry("input_cost_per_token", Unit.INPUT),
            Map.entry("output_cost_per_token", Unit.OUTPUT),
            Map.entry("output_cost_per_reasoning_token", Unit.REASONING),
            Map.entry("cache_read_input_token_cost", Unit.CACHE_READ),
            Map.entry("cache_creation_input_token_cost", Unit.CACHE_WRITE),
            Map.entry("cache_creation_input_token_cost_above_1hr", Unit.CACHE_WRITE_1H),
            Map.entry("input_cost_per_audio_token", Unit.INPUT_AUDIO),
            Map.entry("cache_read_input_audio_token_cost", Unit.CACHE_AUDIO_READ),
            Map.entry("output_cost_per_audio_token", Unit.OUTPUT_AUDIO),
            Map.entry("input_cost_per_image_token", Unit.INPUT_IMAGE),
            Map.entry("cache_read_input_image_token_cost", Unit.CACHE_IMAGE_READ),
            Map.entry("output_cost_per_image_token", Unit.OUTPUT_IMAGE),
            Map.entry("input_cost_per_video_token", Unit.INPUT_VIDEO));

    /** LiteLLM's price of one web search, by search context size; the medium size is its default. */
    private static final String SEARCH_CONTEXT = "search_context_cost_per_query";
    private static final String SEARCH_CONTEXT_DEFAULT = "search_context_size_medium";

    private static final Pattern TIER = Pattern.compile("(.+)_above_(\\d{1,9})k_tokens");

    /** Suffixes of the prices of other service tiers, and the tier each names. */
    private static final Map<String, String> OTHER_SERVICE_TIERS = Map.of("_priority", ServiceTier.PRIORITY, "_flex",
            ServiceTier.FLEX, "_batches", ServiceTier.BATCH);

    private LiteLlmImporter() {
    }

    /**
     * Reads the file; {@code sourceRef} (e.g. {@code litellm@<sha>}) becomes every entry's source.
     * {@link IllegalArgumentException} when the document is not a JSON object.
     */
    public static ImportResult parse(InputStream json, String sourceRef, Instant effectiveFrom) {
        Objects.requireNonNull(sourceRef, "sourceRef");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        JsonNode root = PricingJson.read(json);
        if (!root.isObject()) {
            throw new IllegalArgumentException("a LiteLLM price file is a JSON object keyed by model");
        }
        ImportCollector collector = new ImportCollector();
        Iterator<Map.Entry<String, JsonNode>> models = root.fields();
        while (models.hasNext()) {
            Map.Entry<String, JsonNode> model = models.next();
            String key = model.getKey();
            if (key.equals("sample_spec")) {
                continue;
            }
            try {
                importModel(collector, key, model.getValue(), sourceRef, effectiveFrom);
            } catch (IllegalArgumentException e) {
                collector.skip(key, e.getMessage());
            }
        }
        return collector.result();
    }

    private static void importModel(ImportCollector collector, String key, JsonNode spec, String sourceRef,
            Instant effectiveFrom) {
        if (!spec.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        String mode = PricingJson.text(spec, "mode");
        if (mode == null) {
            throw new IllegalArgumentException("no mode");
        }
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("mode " + mode + " is not priced by tokens");
        }
        String provider = PricingJson.text(spec, "litellm_provider");
        if (provider == null || provider.isBlank()) {
            throw new IllegalArgumentException("no litellm_provider");
        }
        String model = key.startsWith(provider + "/") ? key.substring(provider.length() + 1) : key;

        Map<String, Map<String, JsonNode>> byTier = new java.util.TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = spec.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (!isPriceField(name) || field.getValue().isNull()) {
                continue;
            }
            String tier = ServiceTier.STANDARD;
            for (Map.Entry<String, String> suffix : OTHER_SERVICE_TIERS.entrySet()) {
                if (name.endsWith(suffix.getKey())) {
                    tier = suffix.getValue();
                    name = name.substring(0, name.length() - suffix.getKey().length());
                }
            }
            byTier.computeIfAbsent(tier, t -> new java.util.LinkedHashMap<>()).put(name, field.getValue());
        }
        Map<String, JsonNode> standard = byTier.getOrDefault(ServiceTier.STANDARD, Map.of());
        if (standard.isEmpty() && !byTier.isEmpty()) {
            throw new IllegalArgumentException("prices of other service tiers without standard prices");
        }
        String note = "LiteLLM key " + key + " (mode " + mode + ")";
        if (byTier.isEmpty()) {
            throw new IllegalArgumentException("no prices");
        }
        List<CatalogueEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Map<String, JsonNode>> tier : byTier.entrySet()) {
            // a tier's sheet is the standard one with the tier's own prices in place of the standard ones
            Map<String, JsonNode> prices = new java.util.LinkedHashMap<>(standard);
            prices.putAll(tier.getValue());
            entries.add(new CatalogueEntry(provider, model, effectiveFrom, sheet(prices, mode), sourceRef,
                    tier.getKey().equals(ServiceTier.STANDARD) ? note : note + ", " + tier.getKey() + " tier",
                    tier.getKey(), null, null));
        }
        for (CatalogueEntry entry : entries) {
            collector.add(provider, model, entry.serviceTier(), key, List.of(entry));
        }
    }

    private static PriceSheet sheet(Map<String, JsonNode> prices, String mode) {
        SheetBuilder builder = new SheetBuilder();
        boolean hasOutput = false;
        for (Map.Entry<String, JsonNode> field : prices.entrySet()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            Unit unit = FIELDS.get(name);
            if (unit != null) {
                builder.base(unit, perMillion(value, name));
                hasOutput |= unit == Unit.OUTPUT;
                continue;
            }
            Matcher tier = TIER.matcher(name);
            if (tier.matches() && FIELDS.containsKey(tier.group(1))) {
                long start = Long.parseLong(tier.group(2)) * 1000;
                builder.tier(FIELDS.get(tier.group(1)), start, perMillion(value, name));
                continue;
            }
            if (name.equals(SEARCH_CONTEXT) && value.isObject() && value.path(SEARCH_CONTEXT_DEFAULT).isNumber()) {
                // USD per search -> USD per thousand searches
                builder.base(Unit.WEB_SEARCHES, perThousand(value.get(SEARCH_CONTEXT_DEFAULT), name));
                continue;
            }
            if (!isZero(value)) {
                throw new IllegalArgumentException("price field " + name
                        + " is not supported; the model would be under-priced without it");
            }
        }
        if (!hasOutput && mode.equals("embedding")) {
            builder.base(Unit.OUTPUT, BigDecimal.ZERO);
        }
        return builder.build();
    }

    private static boolean isPriceField(String name) {
        return name.contains("cost") || name.contains("pricing");
    }

    /** USD per search -> USD per thousand searches, exact. */
    static BigDecimal perThousand(JsonNode value, String name) {
        return perMillion(value, name).movePointLeft(3).stripTrailingZeros();
    }

    /**
     * USD per token -> USD per million tokens, exact, without trailing zeros ({@link UnitPrice} keeps a scale of at
     * least 0, so {@code 1E+1} is stored as {@code 10}).
     */
    static BigDecimal perMillion(JsonNode value, String name) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException("price field " + name + " is not a number");
        }
        BigDecimal perToken = PricingJson.decimal(value);
        if (perToken.signum() < 0) {
            throw new IllegalArgumentException("negative price " + name);
        }
        return perToken.movePointRight(6).stripTrailingZeros();
    }

    /** True when a price field charges nothing: 0, or an object or list holding only zeros. */
    private static boolean isZero(JsonNode value) {
        if (value.isNull()) {
            return true;
        }
        if (value.isNumber()) {
            return PricingJson.decimal(value).signum() == 0;
        }
        if (value.isContainerNode()) {
            for (JsonNode item : value) {
                if (!isZero(item)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
