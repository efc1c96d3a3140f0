package dev.tokenledger.canonical;

/**
 * Tokens used by one request, in categories that do not overlap except as stated: {@code promptTokens} counts all
 * input tokens including {@code cachedPromptTokens} and {@code cacheWriteTokens}; {@code completionTokens} counts all
 * output tokens including {@code reasoningTokens}. {@code detail} splits them further (cache writes by lifetime,
 * modalities) and carries counted units (web searches, credits) and the service tier.
 *
 * @param source whether the numbers came from the provider, from a stream cut short, or from our own estimate
 */
public record Usage(long promptTokens, long cachedPromptTokens, long cacheWriteTokens, long completionTokens,
        long reasoningTokens, Source source, Detail detail) {

    /** Where usage numbers came from. */
    public enum Source {
        PROVIDER, PROVIDER_PARTIAL, ESTIMATED
    }

    /**
     * The finer parts of a usage, each a subset of the count named: {@code cacheWrite1hTokens} of the cache writes (the
     * rest are five-minute or unspecified-lifetime writes); {@code inputAudioTokens}, {@code inputImageTokens},
     * {@code inputVideoTokens} and {@code toolPromptTokens} of the prompt; {@code cachedAudioTokens} and
     * {@code cachedImageTokens} of the cached prompt (and of the prompt's audio or images); {@code outputAudioTokens}
     * and {@code outputImageTokens} of the completion. {@code webSearches} counts server-side web searches;
     * {@code inputAudioSeconds} and {@code outputAudioSeconds} count seconds of audio sent and received where a provider
     * bills audio by duration (transcription, voice); {@code microCredits} counts millionths of the credits a provider
     * bills in instead of tokens (Kiro), rounded half-up from the decimal it reports; {@code serviceTier} is the tier the provider says served the request, or null when it did not say or named its
     * default tier ({@code default}, {@code standard}, {@code auto}, ...).
     */
    public record Detail(long cacheWrite1hTokens, long inputAudioTokens, long cachedAudioTokens, long inputImageTokens,
            long cachedImageTokens, long inputVideoTokens, long toolPromptTokens, long outputAudioTokens,
            long outputImageTokens, long webSearches, String serviceTier, long inputAudioSeconds,
            long outputAudioSeconds, long microCredits) {

        public static final Detail NONE = new Detail(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);

        /** The parts of a usage without audio billed by duration. */
        public Detail(long cacheWrite1hTokens, long inputAudioTokens, long cachedAudioTokens, long inputImageTokens,
                long cachedImageTokens, long inputVideoTokens, long toolPromptTokens, long outputAudioTokens,
                long outputImageTokens, long webSearches, String serviceTier) {
            this(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens, inputImageTokens, cachedImageTokens,
                    inputVideoTokens, toolPromptTokens, outputAudioTokens, outputImageTokens, webSearches, serviceTier, 0,
                    0, 0);
        }

        /** The parts of a usage without credits. */
        public Detail(long cacheWrite1hTokens, long inputAudioTokens, long cachedAudioTokens, long inputImageTokens,
                long cachedImageTokens, long inputVideoTokens, long toolPromptTokens, long outputAudioTokens,
                long outputImageTokens, long webSearches, String serviceTier, long inputAudioSeconds,
                long outputAudioSeconds) {
            this(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens, inputImageTokens, cachedImageTokens,
                    inputVideoTokens, toolPromptTokens, outputAudioTokens, outputImageTokens, webSearches, serviceTier,
                    inputAudioSeconds, outputAudioSeconds, 0);
        }

        /** What providers call their default tier; kept as null (not reported, or the default). */
        private static final java.util.Set<String> DEFAULT_TIERS = java.util.Set.of("", "default", "standard", "auto",
                "on_demand", "standard_only");

        public Detail {
            if (serviceTier != null && DEFAULT_TIERS.contains(serviceTier.trim().toLowerCase(java.util.Locale.ROOT))) {
                serviceTier = null;
            }
        }

        public Detail withServiceTier(String tier) {
            return new Detail(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens, inputImageTokens, cachedImageTokens,
                    inputVideoTokens, toolPromptTokens, outputAudioTokens, outputImageTokens, webSearches, tier,
                    inputAudioSeconds,
                    outputAudioSeconds, microCredits);
        }

        public Detail withCacheWrite1h(long tokens) {
            return new Detail(tokens, inputAudioTokens, cachedAudioTokens, inputImageTokens, cachedImageTokens,
                    inputVideoTokens, toolPromptTokens, outputAudioTokens, outputImageTokens, webSearches, serviceTier,
                    inputAudioSeconds,
                    outputAudioSeconds, microCredits);
        }

        public Detail withToolPromptTokens(long tokens) {
            return new Detail(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens, inputImageTokens,
                    cachedImageTokens, inputVideoTokens, tokens, outputAudioTokens, outputImageTokens, webSearches,
                    serviceTier, inputAudioSeconds,
                    outputAudioSeconds, microCredits);
        }

        public Detail withAudioSeconds(long input, long output) {
            return new Detail(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens, inputImageTokens,
                    cachedImageTokens, inputVideoTokens, toolPromptTokens, outputAudioTokens, outputImageTokens, webSearches,
                    serviceTier, input, output, microCredits);
        }

        public Detail withMicroCredits(long credits) {
            return new Detail(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens, inputImageTokens,
                    cachedImageTokens, inputVideoTokens, toolPromptTokens, outputAudioTokens, outputImageTokens, webSearches,
                    serviceTier, inputAudioSeconds, outputAudioSeconds, credits);
        }

        public Detail withWebSearches(long searches) {
            return new Detail(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens, inputImageTokens,
                    cachedImageTokens, inputVideoTokens, toolPromptTokens, outputAudioTokens, outputImageTokens, searches,
                    serviceTier, inputAudioSeconds,
                    outputAudioSeconds, microCredits);
        }
    }

    public Usage {
        if (detail == null) {
            detail = Detail.NONE;
        }
    }

    /** A usage without finer detail. */
    public Usage(long promptTokens, long cachedPromptTokens, long cacheWriteTokens, long completionTokens,
            long reasoningTokens, Source source) {
        this(promptTokens, cachedPromptTokens, cacheWriteTokens, completionTokens, reasoningTokens, source, Detail.NONE);
    }

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, Source.ESTIMATED);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public Usage withSource(Source newSource) {
        return new Usage(promptTokens, cachedPromptTokens, cacheWriteTokens, completionTokens, reasoningTokens, newSource,
                detail);
    }

    public Usage withDetail(Detail newDetail) {
        return new Usage(promptTokens, cachedPromptTokens, cacheWriteTokens, completionTokens, reasoningTokens, source,
                newDetail);
    }

    /** The service tier reported with the answer (the usage object may not carry it), unless the usage names one. */
    public Usage withReportedTier(String tier) {
        return tier == null || detail.serviceTier() != null ? this : withDetail(detail.withServiceTier(tier));
    }
}
