package dev.tokenledger.provider;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads how long an upstream asks to wait: {@code retry-after-ms}, or {@code Retry-After} in seconds or as a date. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * @param retryAfterMs the {@code retry-after-ms} header (OpenAI, Azure), or null
     * @param retryAfter the {@code Retry-After} header, or null
     * @return the wait, or null when neither header holds a usable value
     */
    public static Duration parse(String retryAfterMs, String retryAfter, Instant now) {
        Duration ms = number(retryAfterMs, 1);
        if (ms != null) {
            return ms;
        }
        Duration seconds = number(retryAfter, 1000);
        if (seconds != null || retryAfter == null) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration number(String value, long millisPerUnit) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double n = Double.parseDouble(value.trim());
            return n < 0 || Double.isNaN(n) || Double.isInfinite(n) ? null : Duration.ofMillis((long) (n * millisPerUnit));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
