package dev.tokenledger.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.Json;

/**
 * Anthropic's usage object. Its {@code input_tokens} EXCLUDES cached input: the canonical prompt count is the sum
 * {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}, of which the cache read is the cached
 * part and the cache creation the cache-write part. {@code output_tokens} includes thinking;
 * {@code output_tokens_details.thinking_tokens}, when sent, is the reasoning subset.
 */
public final class AnthropicUsage {

    private AnthropicUsage() {
    }

    /** Reads a usage object; null when the node is absent or not an object. */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long input = usage.path("input_tokens").asLong(0);
        long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = usage.path("cache_creation_input_tokens").asLong(0);
        return new Usage(input + cacheRead + cacheWrite, cacheRead, cacheWrite, usage.path("output_tokens").asLong(0),
                usage.path("output_tokens_details").path("thinking_tokens").asLong(0), Usage.Source.PROVIDER);
    }

    /** The usage object of an answer or a {@code message_delta}: input split back into uncached, cache read, write. */
    public static ObjectNode write(Usage usage) {
        ObjectNode node = Json.NODES.objectNode();
        node.put("input_tokens",
                Math.max(0, usage.promptTokens() - usage.cachedPromptTokens() - usage.cacheWriteTokens()));
        node.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        node.put("cache_read_input_tokens", usage.cachedPromptTokens());
        node.put("output_tokens", usage.completionTokens());
        return node;
    }

    /**
     * The usage of one stream: {@code message_start} gives input and cache counts and a provisional output count;
     * every {@code message_delta} usage is cumulative, so each field it carries replaces the earlier value.
     */
    static final class Running {
        private long input;
        private long cacheRead;
        private long cacheWrite;
        private long output;
        private long thinking;
        private boolean seen;

        /** Applies one usage object; returns the running total. */
        Usage apply(JsonNode usage) {
            if (usage == null || !usage.isObject()) {
                return seen ? current() : null;
            }
            seen = true;
            input = replace(usage, "input_tokens", input);
            cacheRead = replace(usage, "cache_read_input_tokens", cacheRead);
            cacheWrite = replace(usage, "cache_creation_input_tokens", cacheWrite);
            output = replace(usage, "output_tokens", output);
            thinking = replace(usage.path("output_tokens_details"), "thinking_tokens", thinking);
            return current();
        }

        private static long replace(JsonNode usage, String field, long previous) {
            JsonNode value = usage.get(field);
            return value != null && value.isNumber() ? value.asLong() : previous;
        }

        private Usage current() {
            return new Usage(input + cacheRead + cacheWrite, cacheRead, cacheWrite, output, thinking, Usage.Source.PROVIDER);
        }
    }
}
