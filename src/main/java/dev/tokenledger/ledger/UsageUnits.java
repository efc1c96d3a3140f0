package dev.tokenledger.ledger;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/**
 * The finer counts of a usage as the ledger keeps them ({@code usage_units}): a JSON object of the non-zero parts by
 * unit, {@code cache_write_1h, input_audio, cache_audio_read, input_image, cache_image_read, input_video, input_tool,
 * output_audio, output_image, web_searches, input_audio_seconds, output_audio_seconds, micro_credits} (millionths of the
 * credits a provider billed in, {@link #credits}). With the token columns and the service tier they give back the exact
 * usage, so that a reprice prices what the bill priced.
 */
public final class UsageUnits {

    /** The key of the millionths of credits. */
    public static final String MICRO_CREDITS = "micro_credits";

    private UsageUnits() {
    }

    /** Credits as the admin API shows them: a decimal string ({@code 0.0123}), or null for none. */
    public static String credits(long microCredits) {
        return microCredits == 0
                ? null
                : java.math.BigDecimal.valueOf(microCredits, 6).stripTrailingZeros().toPlainString();
    }

    /** The parts of a usage by key, in a fixed order (zeros included). */
    static Map<String, Long> parts(Usage.Detail d) {
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("cache_write_1h", d.cacheWrite1hTokens());
        parts.put("input_audio", d.inputAudioTokens());
        parts.put("cache_audio_read", d.cachedAudioTokens());
        parts.put("input_image", d.inputImageTokens());
        parts.put("cache_image_read", d.cachedImageTokens());
        parts.put("input_video", d.inputVideoTokens());
        parts.put("input_tool", d.toolPromptTokens());
        parts.put("output_audio", d.outputAudioTokens());
        parts.put("output_image", d.outputImageTokens());
        parts.put("web_searches", d.webSearches());
        parts.put("input_audio_seconds", d.inputAudioSeconds());
        parts.put("output_audio_seconds", d.outputAudioSeconds());
        parts.put(MICRO_CREDITS, d.microCredits());
        return parts;
    }

    /** The JSON text of a usage's non-zero parts, or null when it has none. */
    public static String write(Usage usage) {
        ObjectNode node = Json.NODES.objectNode();
        parts(usage.detail()).forEach((key, value) -> {
            if (value != 0) {
                node.put(key, value);
            }
        });
        return node.isEmpty() ? null : node.toString();
    }

    /**
     * A ledger row's usage: the token columns, the parts ({@code usage_units}, as JSON text or null) and the service
     * tier.
     */
    public static Usage read(long input, long cacheRead, long cacheWrite, long output, long reasoning, String units,
            String serviceTier) {
        JsonNode parts = units == null
                ? Json.NODES.objectNode()
                : Json.toNode(new io.vertx.core.json.JsonObject(units)
                        .getMap());
        Usage.Detail detail = new Usage.Detail(parts.path("cache_write_1h").asLong(0), parts.path("input_audio").asLong(0),
                parts.path("cache_audio_read").asLong(0), parts.path("input_image").asLong(0),
                parts.path("cache_image_read").asLong(0), parts.path("input_video").asLong(0),
                parts.path("input_tool").asLong(0), parts.path("output_audio").asLong(0),
                parts.path("output_image").asLong(0), parts.path("web_searches").asLong(0), serviceTier,
                parts.path("input_audio_seconds").asLong(0), parts.path("output_audio_seconds").asLong(0),
                parts.path(MICRO_CREDITS).asLong(0));
        return new Usage(input, cacheRead, cacheWrite, output, reasoning, Usage.Source.PROVIDER, detail);
    }
}
