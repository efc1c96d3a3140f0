package dev.tokenledger.wire;

import java.util.function.Function;

import dev.tokenledger.canonical.UpstreamLimits;

import static dev.tokenledger.canonical.UpstreamLimits.UNKNOWN;

/**
 * Reads one format's six rate-limit headers (limit, remaining and reset, for requests and for tokens; the components
 * are the headers' names) into {@link UpstreamLimits}. An answer without the remaining headers costs two header
 * look-ups and nothing else; counts are parsed without exceptions.
 */
public record RateLimitHeaders(String requestsLimit, String requestsRemaining, String requestsReset, String tokensLimit,
        String tokensRemaining, String tokensReset, ResetFormat reset) implements UpstreamLimits.Reader {

    /** A limit header that was sent without a positive count: a placeholder, which makes its kind unknown. */
    private static final long UNUSABLE = -2;

    /** How a format writes the time until a limit is fully replenished. */
    @FunctionalInterface
    public interface ResetFormat {
        /** @return milliseconds from {@code nowMillis} until the reset, or {@link UpstreamLimits#UNKNOWN} */
        long millisUntil(String value, long nowMillis);
    }

    @Override
    public UpstreamLimits read(Function<String, String> header, long nowMillis) {
        String requests = header.apply(requestsRemaining);
        String tokens = header.apply(tokensRemaining);
        if (requests == null && tokens == null) {
            return null;
        }
        long requestsCap = requests == null ? UNKNOWN : limit(header.apply(requestsLimit));
        long tokensCap = tokens == null ? UNKNOWN : limit(header.apply(tokensLimit));
        return new UpstreamLimits(known(requestsCap, requestsCap), known(requestsCap, count(requests)),
                known(requestsCap, resetOf(header, requestsReset, requests, nowMillis)), known(tokensCap, tokensCap),
                known(tokensCap, count(tokens)), known(tokensCap, resetOf(header, tokensReset, tokens, nowMillis)));
    }

    private long resetOf(Function<String, String> header, String name, String remaining, long nowMillis) {
        if (remaining == null) {
            return UNKNOWN;
        }
        String value = header.apply(name);
        return value == null ? UNKNOWN : reset.millisUntil(value.trim(), nowMillis);
    }

    private static long limit(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        long n = count(value);
        return n > 0 ? n : UNUSABLE;
    }

    private static long known(long cap, long value) {
        return cap == UNUSABLE ? UNKNOWN : value;
    }

    /** A non-negative decimal count, or {@link UpstreamLimits#UNKNOWN} for anything else. */
    static long count(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) == ' ') {
            start++;
        }
        while (end > start && value.charAt(end - 1) == ' ') {
            end--;
        }
        if (start == end || end - start > 18) {
            return UNKNOWN;
        }
        long n = 0;
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return UNKNOWN;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
