package dev.tokenledger.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/**
 * OpenAI's {@code CompletionUsage}: {@code prompt_tokens} includes cached tokens, {@code completion_tokens} includes
 * reasoning tokens, which is also how the canonical {@link Usage} counts them. {@code prompt_tokens_details} splits the
 * prompt into cache reads, cache writes, audio and image tokens; {@code completion_tokens_details} the output into
 * reasoning, audio and image tokens. The service tier is a field of the answer (or chunk), next to {@code usage}. A
 * transcription billed by duration reports {@code {"type":"duration","seconds":n}}: seconds of input audio.
 */
public final class OpenAiUsage {

    private OpenAiUsage() {
    }

    /** Reads a usage object; null when the node is absent or null. */
    public static Usage read(JsonNode usage) {
        return read(usage, null);
    }

    /** Reads a usage object and the answer's {@code service_tier} (may be null); null when the usage is absent. */
    public static Usage read(JsonNode usage, JsonNode serviceTier) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode promptDetails = usage.path("prompt_tokens_details");
        JsonNode completionDetails = usage.path("completion_tokens_details");
        Usage.Detail detail = new Usage.Detail(0, promptDetails.path("audio_tokens").asLong(0), 0,
                promptDetails.path("image_tokens").asLong(0), 0, 0, 0, completionDetails.path("audio_tokens").asLong(0),
                completionDetails.path("image_tokens").asLong(0), 0, tier(serviceTier), audioSeconds(usage), 0);
        return new Usage(usage.path("prompt_tokens").asLong(0), promptDetails.path("cached_tokens").asLong(0),
                promptDetails.path("cache_write_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
                completionDetails.path("reasoning_tokens").asLong(0), Usage.Source.PROVIDER, detail);
    }

    /** Seconds of input audio of a usage of {@code "type":"duration"} (whole seconds, rounded up), else 0. */
    static long audioSeconds(JsonNode usage) {
        if (!"duration".equals(usage.path("type").asText()) || !usage.path("seconds").isNumber()) {
            return 0;
        }
        return Math.max(0, (long) Math.ceil(usage.get("seconds").asDouble()));
    }

    /** The text of a {@code service_tier} field, or null. */
    public static String tier(JsonNode serviceTier) {
        return serviceTier != null && serviceTier.isTextual() ? serviceTier.textValue() : null;
    }

    public static ObjectNode write(Usage usage) {
        ObjectNode node = Json.NODES.objectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        if (usage.cachedPromptTokens() > 0 || usage.cacheWriteTokens() > 0) {
            ObjectNode details = node.putObject("prompt_tokens_details");
            details.put("cached_tokens", usage.cachedPromptTokens());
            if (usage.cacheWriteTokens() > 0) {
                details.put("cache_write_tokens", usage.cacheWriteTokens());
            }
        }
        if (usage.reasoningTokens() > 0) {
            node.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        }
        Usage.Detail detail = usage.detail();
        if (detail.inputAudioTokens() > 0 || detail.inputImageTokens() > 0) {
            ObjectNode details = node.has("prompt_tokens_details")
                    ? (ObjectNode) node.get("prompt_tokens_details")
                    : node.putObject("prompt_tokens_details");
            if (detail.inputAudioTokens() > 0) {
                details.put("audio_tokens", detail.inputAudioTokens());
            }
            if (detail.inputImageTokens() > 0) {
                details.put("image_tokens", detail.inputImageTokens());
            }
        }
        if (detail.outputAudioTokens() > 0) {
            ObjectNode details = node.has("completion_tokens_details")
                    ? (ObjectNode) node.get("completion_tokens_details")
                    : node.putObject("completion_tokens_details");
            details.put("audio_tokens", detail.outputAudioTokens());
        }
        return node;
    }
}
