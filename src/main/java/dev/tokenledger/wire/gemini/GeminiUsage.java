package dev.tokenledger.wire.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.Json;

/**
 * Gemini's {@code usageMetadata}. {@code promptTokenCount} includes {@code cachedContentTokenCount}, and tool-use
 * prompt tokens are counted apart; {@code candidatesTokenCount} excludes {@code thoughtsTokenCount}. Canonically all
 * input (prompt + tool-use prompt) is prompt, and all output (candidates + thoughts) is completion, thoughts being
 * its reasoning share.
 */
public final class GeminiUsage {

    private GeminiUsage() {
    }

    /** Reads a usage object; null when the node is absent or not an object. */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long prompt = usage.path("promptTokenCount").asLong(0) + usage.path("toolUsePromptTokenCount").asLong(0);
        long thoughts = usage.path("thoughtsTokenCount").asLong(0);
        return new Usage(prompt, usage.path("cachedContentTokenCount").asLong(0), 0,
                usage.path("candidatesTokenCount").asLong(0) + thoughts, thoughts, Usage.Source.PROVIDER);
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
        return node;
    }
}
