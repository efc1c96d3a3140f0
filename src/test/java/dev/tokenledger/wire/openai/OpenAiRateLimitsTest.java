package dev.tokenledger.wire.openai;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tokenledger.canonical.UpstreamLimits;

import static dev.tokenledger.canonical.UpstreamLimits.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI's {@code x-ratelimit-*} headers: counts, Go-duration resets, Azure's remaining-only variant. */
class OpenAiRateLimitsTest {

    static UpstreamLimits read(Map<String, String> headers) {
        return OpenAiRateLimits.READER.read(headers::get, 0);
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1s,1000", "6m0s,360000", "1m30.5s,90500", "20ms,20", "12.345ms,13", "1h2m3s,3723000",
            "1.5us,1", "999ns,1", "2µs,1", "0.5s,500", ".5s,500", "1.s,1000", "0.3s,300", "1.001s,1001", "7h0m0s,25200000"})
    void readsGoDurations(String value, long millis) {
        assertEquals(millis, OpenAiRateLimits.durationMillis(value), value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "1", "1x", "-1s", ".s", "1s2", "ms", "1 s", "99999999999999999999h"})
    void refusesWhatIsNoGoDuration(String value) {
        assertEquals(UNKNOWN, OpenAiRateLimits.durationMillis(value), value);
    }

    @Test
    void readsTheSixHeaders() {
        UpstreamLimits limits = read(Map.of("x-ratelimit-limit-requests", "60", "x-ratelimit-remaining-requests", "59",
                "x-ratelimit-reset-requests", "1s", "x-ratelimit-limit-tokens", "150000", "x-ratelimit-remaining-tokens",
                "149984", "x-ratelimit-reset-tokens", "6m0s"));
        assertEquals(new UpstreamLimits(60, 59, 1000, 150000, 149984, 360000), limits);
        assertFalse(limits.nearlyExhausted(0.05));
    }

    @Test
    void anAnswerWithoutRemainingHeadersHasNoLimits() {
        assertNull(read(Map.of("x-ratelimit-limit-requests", "60", "x-request-id", "req_1")));
    }

    @Test
    void nearlyExhaustedAtOrBelowTheFractionOfEitherLimit() {
        assertTrue(read(Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "5"))
                .nearlyExhausted(0.05));
        assertFalse(read(Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "6"))
                .nearlyExhausted(0.05));
        assertTrue(read(Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "50",
                "x-ratelimit-limit-tokens", "150000", "x-ratelimit-remaining-tokens", "7000")).nearlyExhausted(0.05));
        assertTrue(read(Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "0"))
                .nearlyExhausted(0));
        assertFalse(read(Map.of("x-ratelimit-limit-requests", "100", "x-ratelimit-remaining-requests", "1"))
                .nearlyExhausted(0));
    }

    @Test
    void azureSendsWhatRemainsWithoutTheLimit() {
        UpstreamLimits some = read(Map.of("x-ratelimit-remaining-requests", "3", "x-ratelimit-remaining-tokens", "19913"));
        assertEquals(new UpstreamLimits(UNKNOWN, 3, UNKNOWN, UNKNOWN, 19913, UNKNOWN), some);
        assertFalse(some.nearlyExhausted(0.05));
        assertTrue(read(Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-remaining-tokens", "19913"))
                .nearlyExhausted(0.05));
    }

    @Test
    void placeholderLimitsSayNothing() {
        UpstreamLimits placeholders = read(Map.of("x-ratelimit-limit-requests", "0", "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-limit-tokens", "-1", "x-ratelimit-remaining-tokens", "0"));
        assertEquals(new UpstreamLimits(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN), placeholders);
        assertFalse(placeholders.nearlyExhausted(0.05));
        assertFalse(read(Map.of("x-ratelimit-limit-requests", "60", "x-ratelimit-remaining-requests", "lots"))
                .nearlyExhausted(0.05));
    }
}
