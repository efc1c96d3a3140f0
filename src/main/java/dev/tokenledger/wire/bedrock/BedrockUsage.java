package dev.tokenledger.wire.bedrock;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.Usage;

/**
 * Converse {@code TokenUsage} to canonical usage. Bedrock's {@code inputTokens} excludes the cached and cache-written
 * tokens, so the canonical prompt is their sum; {@code cacheDetails} entries with {@code ttl: "1h"} are the one-hour
 * writes.
 */
public final class BedrockUsage {

    private BedrockUsage() {
    }

    /** The usage object, or null when absent. */
    public static Usage read(JsonNode usage) {
        return read(usage, null);
    }

    /**
     * @param serviceTier the tier the answer says served it, or null
     */
    public static Usage read(JsonNode usage, String serviceTier) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long input = usage.path("inputTokens").asLong(0);
        long cacheRead = usage.path("cacheReadInputTokens").asLong(0);
        long cacheWrite = usage.path("cacheWriteInputTokens").asLong(0);
        long oneHour = 0;
        for (JsonNode detail : usage.path("cacheDetails")) {
            if ("1h".equals(detail.path("ttl").asText())) {
                oneHour += detail.path("inputTokens").asLong(0);
            }
        }
        Usage.Detail detail = Usage.Detail.NONE.withCacheWrite1h(Math.min(oneHour, cacheWrite))
                .withServiceTier(serviceTier);
        return new Usage(input + cacheRead + cacheWrite, cacheRead, cacheWrite, usage.path("outputTokens").asLong(0), 0,
                Usage.Source.PROVIDER, detail);
    }
}
