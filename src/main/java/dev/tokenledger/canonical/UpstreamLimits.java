package dev.tokenledger.canonical;

import java.util.function.Function;

/**
 * What an upstream said about its own rate limits in the headers of an answer: for requests and for tokens, the limit,
 * what remains of it and how long until it is fully replenished. A value is {@link #UNKNOWN} where the upstream did
 * not send it or sent no usable count (Azure OpenAI sends what remains without the limits; some APIs send {@code -1}
 * or {@code 0} as placeholders, and a kind whose limit is such a placeholder is unknown as a whole).
 *
 * @param requestsResetMs milliseconds from the answer until the request limit is fully replenished
 * @param tokensResetMs milliseconds from the answer until the token limit is fully replenished
 */
public record UpstreamLimits(long requestsLimit, long requestsRemaining, long requestsResetMs, long tokensLimit,
        long tokensRemaining, long tokensResetMs) {

    public static final long UNKNOWN = -1;

    /** Reads the rate-limit headers of one upstream format. */
    @FunctionalInterface
    public interface Reader {
        /**
         * @param header a header of the answer by name (any case), or null where it is absent
         * @param nowMillis when the answer arrived, epoch milliseconds
         * @return what the headers say, or null when the answer carries none
         */
        UpstreamLimits read(Function<String, String> header, long nowMillis);
    }

    /**
     * Whether the upstream is nearly exhausted: requests or tokens remaining at or below the given fraction of their
     * limit, or none remaining where the limit is not known.
     */
    public boolean nearlyExhausted(double fraction) {
        return low(requestsRemaining, requestsLimit, fraction) || low(tokensRemaining, tokensLimit, fraction);
    }

    private static boolean low(long remaining, long limit, double fraction) {
        if (remaining == UNKNOWN) {
            return false;
        }
        return limit == UNKNOWN ? remaining == 0 : remaining <= fraction * limit;
    }
}
