package dev.tokenledger.wire.anthropic;

import java.time.DateTimeException;
import java.time.LocalDate;

import dev.tokenledger.canonical.UpstreamLimits;
import dev.tokenledger.wire.RateLimitHeaders;

import static dev.tokenledger.canonical.UpstreamLimits.UNKNOWN;

/**
 * Anthropic's rate-limit headers: {@code anthropic-ratelimit-requests-limit}, {@code -remaining}, {@code -reset} and
 * {@code anthropic-ratelimit-tokens-limit}, {@code -remaining}, {@code -reset} (the most restrictive token limit in
 * effect; remaining tokens are rounded to the nearest thousand). A reset is the time at which the limit is fully
 * replenished, in RFC 3339 ({@code 2025-08-21T12:40:59Z}).
 */
public final class AnthropicRateLimits {

    public static final UpstreamLimits.Reader READER = new RateLimitHeaders("anthropic-ratelimit-requests-limit",
            "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset",
            "anthropic-ratelimit-tokens-limit", "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset",
            AnthropicRateLimits::millisUntil);

    private AnthropicRateLimits() {
    }

    /** Milliseconds from {@code nowMillis} until an RFC 3339 time (none when it has passed), or unknown. */
    static long millisUntil(String value, long nowMillis) {
        long at = epochMillis(value);
        return at == UNKNOWN ? UNKNOWN : Math.max(0, at - nowMillis);
    }

    /**
     * An RFC 3339 date-time ({@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)}) in epoch milliseconds, read without
     * a parser's allocations.
     *
     * @return the epoch milliseconds, or {@link UpstreamLimits#UNKNOWN} when the value is not such a time
     */
    public static long epochMillis(String value) {
        int n = value.length();
        if (n < 20 || value.charAt(4) != '-' || value.charAt(7) != '-' || value.charAt(13) != ':'
                || value.charAt(16) != ':' || "Tt ".indexOf(value.charAt(10)) < 0) {
            return UNKNOWN;
        }
        int year = digits(value, 0, 4);
        int month = digits(value, 5, 2);
        int day = digits(value, 8, 2);
        int hour = digits(value, 11, 2);
        int minute = digits(value, 14, 2);
        int second = digits(value, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0
                || second < 0) {
            return UNKNOWN;
        }
        int i = 19;
        long millis = 0;
        if (value.charAt(i) == '.') {
            int first = ++i;
            for (long scale = 100; i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9'; i++, scale /= 10) {
                millis += (value.charAt(i) - '0') * scale;
            }
            if (i == first) {
                return UNKNOWN;
            }
        }
        long offsetSeconds;
        if (i < n && (value.charAt(i) == 'Z' || value.charAt(i) == 'z')) {
            offsetSeconds = 0;
            i++;
        } else if (i + 6 == n && (value.charAt(i) == '+' || value.charAt(i) == '-') && value.charAt(i + 3) == ':') {
            int hours = digits(value, i + 1, 2);
            int minutes = digits(value, i + 4, 2);
            if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) {
                return UNKNOWN;
            }
            offsetSeconds = (value.charAt(i) == '-' ? -1 : 1) * (hours * 3600L + minutes * 60L);
            i = n;
        } else {
            return UNKNOWN;
        }
        if (i != n) {
            return UNKNOWN;
        }
        long days;
        try {
            days = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return UNKNOWN;
        }
        // a leap second (:60) counts as the last millisecond of its minute
        long seconds = days * 86_400 + hour * 3600L + minute * 60L + Math.min(second, 59) - offsetSeconds;
        return second == 60 ? seconds * 1000 + 999 : seconds * 1000 + millis;
    }

    private static int digits(String value, int at, int count) {
        int n = 0;
        for (int i = at; i < at + count; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
