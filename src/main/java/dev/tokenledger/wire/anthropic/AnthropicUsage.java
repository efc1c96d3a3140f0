package dev.tokenledger.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/**
 * Anthropic's usage object. Its {@code input_tokens} EXCLUDES cached input: the canonical prompt count is the sum
 * {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}, of which the cache read is the cached
 * part and the cache creation the cache-write part. {@code cache_creation.ephemeral_5m_input_tokens} and
 * {@code ephemeral_1h_input_tokens} split the cache writes by lifetime (without them every write is a five-minute
 * write). {@code output_tokens} includes thinking; {@code output_tokens_details.thinking_tokens}, when sent, is the
 * reasoning subset. {@code server_tool_use.web_search_requests} counts web searches; {@code service_tier} names the
 * tier that served the request.
 */
public final class AnthropicUsage {

    private AnthropicUsage() {
    }

    /** Reads a usage object; null when the node is absent or not an object. */
    public static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        return new Running().apply(usage);
    }

    /** The cache writes: {@code cache_creation_input_tokens}, else the sum of the lifetime breakdown. */
    private static long cacheWrites(JsonNode total, JsonNode creation) {
        if (total != null && total.isNumber()) {
            return total.asLong();
        }
        return creation.path("ephemeral_5m_input_tokens").asLong(0) + creation.path("ephemeral_1h_input_tokens").asLong(0);
    }

    /** The usage object of an answer or a {@code message_delta}: input split back into uncached, cache read, write. */
    public static ObjectNode write(Usage usage) {
        ObjectNode node = Json.NODES.objectNode();
        node.put("input_tokens",
                Math.max(0, usage.promptTokens() - usage.cachedPromptTokens() - usage.cacheWriteTokens()));
        node.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        node.put("cache_read_input_tokens", usage.cachedPromptTokens());
        node.put("output_tokens", usage.completionTokens());
        Usage.Detail detail = usage.detail();
        if (detail.cacheWrite1hTokens() > 0) {
            node.putObject("cache_creation")
                    .put("ephemeral_5m_input_tokens", usage.cacheWriteTokens() - detail.cacheWrite1hTokens())
                    .put("ephemeral_1h_input_tokens", detail.cacheWrite1hTokens());
        }
        if (detail.webSearches() > 0) {
            node.putObject("server_tool_use").put("web_search_requests", detail.webSearches());
        }
        return node;
    }

    /**
     * The usage of one stream: {@code message_start} gives input and cache counts and a provisional output count;
     * every {@code message_delta} usage is cumulative, so each field it carries replaces the earlier value.
     */
    public static final class Running {
        private long input;
        private long cacheRead;
        private long cacheWrite;
        private long output;
        private long thinking;
        private long write1h;
        private long webSearches;
        private String tier;
        private boolean seen;

        /** Applies one usage object; returns the running total. */
        public Usage apply(JsonNode usage) {
            if (usage == null || !usage.isObject()) {
                return seen ? current() : null;
            }
            seen = true;
            input = replace(usage, "input_tokens", input);
            cacheRead = replace(usage, "cache_read_input_tokens", cacheRead);
            JsonNode creation = usage.path("cache_creation");
            if (usage.path("cache_creation_input_tokens").isNumber() || creation.isObject()) {
                cacheWrite = cacheWrites(usage.get("cache_creation_input_tokens"), creation);
            }
            if (creation.isObject()) {
                write1h = creation.path("ephemeral_1h_input_tokens").asLong(0);
            }
            output = replace(usage, "output_tokens", output);
            thinking = replace(usage.path("output_tokens_details"), "thinking_tokens", thinking);
            webSearches = replace(usage.path("server_tool_use"), "web_search_requests", webSearches);
            JsonNode serviceTier = usage.get("service_tier");
            if (serviceTier != null && serviceTier.isTextual()) {
                tier = serviceTier.textValue();
            }
            return current();
        }

        private static long replace(JsonNode usage, String field, long previous) {
            JsonNode value = usage.get(field);
            return value != null && value.isNumber() ? value.asLong() : previous;
        }

        private Usage current() {
            return new Usage(input + cacheRead + cacheWrite, cacheRead, cacheWrite, output, thinking, Usage.Source.PROVIDER,
                    new Usage.Detail(write1h, 0, 0, 0, 0, 0, 0, 0, 0, webSearches, tier));
        }
    }
}
