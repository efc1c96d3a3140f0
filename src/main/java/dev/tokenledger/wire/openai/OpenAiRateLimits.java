package dev.tokenledger.wire.openai;

import dev.tokenledger.canonical.UpstreamLimits;
import dev.tokenledger.wire.RateLimitHeaders;

import static dev.tokenledger.canonical.UpstreamLimits.UNKNOWN;

/**
 * OpenAI's rate-limit headers, also sent by Azure OpenAI (which leaves the limits and resets out):
 * {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests}, {@code x-ratelimit-reset-requests} and
 * the same for tokens. A reset is the time until the limit is back to its initial state, as a Go duration
 * ({@code 20ms}, {@code 1s}, {@code 6m0s}, {@code 1m30.5s}).
 */
public final class OpenAiRateLimits {

    public static final UpstreamLimits.Reader READER = new RateLimitHeaders("x-ratelimit-limit-requests",
            "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", (value, now) -> durationMillis(value));

    private static final long MAX_WHOLE = 1_000_000_000_000L;
    /** Bound of a duration and of each of its parts, in nanoseconds: no sum of two overflows. */
    private static final long LIMIT = Long.MAX_VALUE / 4;

    private OpenAiRateLimits() {
    }

    /**
     * A Go duration ({@code [0-9]+(\.[0-9]+)?} followed by {@code h}, {@code m}, {@code s}, {@code ms}, {@code us},
     * {@code µs} or {@code ns}, repeated; or {@code 0}) in milliseconds, rounded up.
     *
     * @return the milliseconds, or {@link UpstreamLimits#UNKNOWN} when the value is not such a duration
     */
    public static long durationMillis(String value) {
        int n = value == null ? 0 : value.length();
        if (n == 0) {
            return UNKNOWN;
        }
        if (n == 1 && value.charAt(0) == '0') {
            return 0;
        }
        long nanos = 0;
        int i = 0;
        while (i < n) {
            long whole = 0;
            int digits = 0;
            for (char c; i < n && (c = value.charAt(i)) >= '0' && c <= '9'; i++, digits++) {
                whole = whole * 10 + (c - '0');
                if (whole > MAX_WHOLE) {
                    return UNKNOWN;
                }
            }
            long fraction = 0;
            long scale = 1;
            if (i < n && value.charAt(i) == '.') {
                i++;
                for (char c; i < n && (c = value.charAt(i)) >= '0' && c <= '9'; i++, digits++) {
                    if (scale < 1_000_000_000L) { // digits below a nanosecond do not count
                        fraction = fraction * 10 + (c - '0');
                        scale *= 10;
                    }
                }
            }
            int unitStart = i;
            while (i < n && (value.charAt(i) < '0' || value.charAt(i) > '9') && value.charAt(i) != '.') {
                i++;
            }
            long unit = unitNanos(value, unitStart, i - unitStart);
            if (digits == 0 || unit == 0 || whole > LIMIT / unit) {
                return UNKNOWN;
            }
            nanos += whole * unit + (unit % scale == 0 ? fraction * (unit / scale) : fraction * unit / scale);
            if (nanos > LIMIT) {
                return UNKNOWN;
            }
        }
        return (nanos + 999_999) / 1_000_000;
    }

    private static long unitNanos(String value, int at, int length) {
        if (length == 1) {
            return switch (value.charAt(at)) {
                case 'h' -> 3_600_000_000_000L;
                case 'm' -> 60_000_000_000L;
                case 's' -> 1_000_000_000L;
                default -> 0;
            };
        }
        if (length != 2 || value.charAt(at + 1) != 's') {
            return 0;
        }
        return switch (value.charAt(at)) {
            case 'm' -> 1_000_000L;
            case 'u', '\u00b5', '\u03bc' -> 1_000L;
            case 'n' -> 1;
            default -> 0;
        };
    }
}
