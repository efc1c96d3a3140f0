package dev.tokenledger.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.Json;

/**
 * OpenAI's {@code CompletionUsage}: {@code prompt_tokens} includes cached tokens, {@code completion_tokens} includes
 * reasoning tokens, which is also how the canonical {@link Usage} counts them.
 */
public final class OpenAiUsage {

    private OpenAiUsage() {
    }

    /** Reads a usage object; null when the node is absent or null. */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode promptDetails = usage.path("prompt_tokens_details");
        JsonNode completionDetails = usage.path("completion_tokens_details");
        return new Usage(usage.path("prompt_tokens").asLong(0), promptDetails.path("cached_tokens").asLong(0),
                promptDetails.path("cache_write_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
                completionDetails.path("reasoning_tokens").asLong(0), Usage.Source.PROVIDER);
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
        return node;
    }
}
