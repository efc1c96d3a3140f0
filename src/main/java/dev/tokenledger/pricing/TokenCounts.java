package dev.tokenledger.pricing;

/**
 * Token counts in normalised categories. inputTotal includes cacheRead and cacheWrite (all TTLs); cacheWrite1h is the
 * part of cacheWrite written with a one-hour lifetime; output includes reasoning.
 * <p>
 * Counts that cannot describe a real request (negative, or a part larger than its whole) are rejected with
 * {@link IllegalArgumentException}: such usage is corrupt and must not be priced.
 */
public record TokenCounts(long inputTotal, long cacheRead, long cacheWrite, long cacheWrite1h, long output,
        long reasoning) {

    public TokenCounts {
        requireNonNegative("inputTotal", inputTotal);
        requireNonNegative("cacheRead", cacheRead);
        requireNonNegative("cacheWrite", cacheWrite);
        requireNonNegative("cacheWrite1h", cacheWrite1h);
        requireNonNegative("output", output);
        requireNonNegative("reasoning", reasoning);
        if (cacheRead > inputTotal || cacheWrite > inputTotal - cacheRead) {
            throw new IllegalArgumentException("cacheRead (" + cacheRead + ") + cacheWrite (" + cacheWrite
                    + ") exceed inputTotal (" + inputTotal + ")");
        }
        if (cacheWrite1h > cacheWrite) {
            throw new IllegalArgumentException(
                    "cacheWrite1h (" + cacheWrite1h + ") exceeds cacheWrite (" + cacheWrite + ")");
        }
        if (reasoning > output) {
            throw new IllegalArgumentException("reasoning (" + reasoning + ") exceeds output (" + output + ")");
        }
    }

    /** Plain input and output, no cache and no reasoning detail. */
    public static TokenCounts of(long inputTotal, long output) {
        return new TokenCounts(inputTotal, 0, 0, 0, output, 0);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
