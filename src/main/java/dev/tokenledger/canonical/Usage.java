package dev.tokenledger.canonical;

/**
 * Tokens used by one request, in categories that do not overlap except as stated: {@code promptTokens} counts all
 * input tokens including {@code cachedPromptTokens} and {@code cacheWriteTokens}; {@code completionTokens} counts all
 * output tokens including {@code reasoningTokens}.
 *
 * @param source whether the numbers came from the provider, from a stream cut short, or from our own estimate
 */
public record Usage(long promptTokens, long cachedPromptTokens, long cacheWriteTokens, long completionTokens,
        long reasoningTokens, Source source) {

    /** Where usage numbers came from. */
    public enum Source {
        PROVIDER, PROVIDER_PARTIAL, ESTIMATED
    }

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, Source.ESTIMATED);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public Usage withSource(Source newSource) {
        return new Usage(promptTokens, cachedPromptTokens, cacheWriteTokens, completionTokens, reasoningTokens, newSource);
    }
}
