package dev.tokenledger.wire.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/**
 * Gemini's {@code usageMetadata}. {@code promptTokenCount} includes {@code cachedContentTokenCount}, and tool-use
 * prompt tokens are counted apart; {@code candidatesTokenCount} excludes {@code thoughtsTokenCount}. Canonically all
 * input (prompt + tool-use prompt) is prompt, and all output (candidates + thoughts) is completion, thoughts being
 * its reasoning share. The per-modality lists ({@code promptTokensDetails}, {@code cacheTokensDetails},
 * {@code candidatesTokensDetails}: {@code [{modality, tokenCount}]}) give the audio, image and video parts of the
 * prompt, of its cached part and of the output; {@code toolUsePromptTokenCount} is the tool-use part of the input.
 */
public final class GeminiUsage {

    private GeminiUsage() {
    }

    /** Reads a usage object; null when the node is absent or not an object. */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long toolPrompt = usage.path("toolUsePromptTokenCount").asLong(0);
        long prompt = usage.path("promptTokenCount").asLong(0) + toolPrompt;
        long thoughts = usage.path("thoughtsTokenCount").asLong(0);
        JsonNode promptDetails = usage.path("promptTokensDetails");
        JsonNode cacheDetails = usage.path("cacheTokensDetails");
        JsonNode outputDetails = usage.path("candidatesTokensDetails");
        Usage.Detail detail = new Usage.Detail(0, modality(promptDetails, "AUDIO"), modality(cacheDetails, "AUDIO"),
                modality(promptDetails, "IMAGE"), modality(cacheDetails, "IMAGE"), modality(promptDetails, "VIDEO"),
                toolPrompt, modality(outputDetails, "AUDIO"), modality(outputDetails, "IMAGE"), 0, null);
        return new Usage(prompt, usage.path("cachedContentTokenCount").asLong(0), 0,
                usage.path("candidatesTokenCount").asLong(0) + thoughts, thoughts, Usage.Source.PROVIDER, detail);
    }

    /** The tokens of one modality in a {@code [{modality, tokenCount}]} list (0 when absent). */
    private static long modality(JsonNode details, String modality) {
        long tokens = 0;
        if (details.isArray()) {
            for (JsonNode item : details) {
                if (modality.equals(item.path("modality").asText())) {
                    tokens += item.path("tokenCount").asLong(0);
                }
            }
        }
        return tokens;
    }

    private static void putModality(com.fasterxml.jackson.databind.node.ArrayNode list, String modality, long tokens) {
        if (tokens > 0) {
            list.addObject().put("modality", modality).put("tokenCount", tokens);
        }
    }

    public static ObjectNode write(Usage usage) {
        ObjectNode node = Json.NODES.objectNode();
        node.put("promptTokenCount", usage.promptTokens());
        node.put("candidatesTokenCount", usage.completionTokens() - usage.reasoningTokens());
        node.put("totalTokenCount", usage.totalTokens());
        if (usage.cachedPromptTokens() > 0) {
            node.put("cachedContentTokenCount", usage.cachedPromptTokens());
        }
        if (usage.reasoningTokens() > 0) {
            node.put("thoughtsTokenCount", usage.reasoningTokens());
        }
        Usage.Detail detail = usage.detail();
        if (detail.inputAudioTokens() > 0 || detail.inputImageTokens() > 0 || detail.inputVideoTokens() > 0) {
            var list = node.putArray("promptTokensDetails");
            long text = usage.promptTokens() - detail.toolPromptTokens() - detail.inputAudioTokens()
                    - detail.inputImageTokens() - detail.inputVideoTokens();
            list.addObject().put("modality", "TEXT").put("tokenCount", Math.max(0, text));
            putModality(list, "AUDIO", detail.inputAudioTokens());
            putModality(list, "IMAGE", detail.inputImageTokens());
            putModality(list, "VIDEO", detail.inputVideoTokens());
        }
        return node;
    }
}
