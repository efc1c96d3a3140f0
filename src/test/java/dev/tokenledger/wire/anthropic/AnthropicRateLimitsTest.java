package dev.tokenledger.wire.anthropic;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tokenledger.canonical.UpstreamLimits;

import static dev.tokenledger.canonical.UpstreamLimits.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anthropic's {@code anthropic-ratelimit-*} headers, whose resets are RFC 3339 times. */
class AnthropicRateLimitsTest {

    @ParameterizedTest
    @CsvSource({"2025-08-21T12:40:59Z,2025-08-21T12:40:59Z", "2025-08-21t12:40:59z,2025-08-21T12:40:59Z",
            "2025-08-21T12:40:59.5Z,2025-08-21T12:40:59.500Z", "2025-08-21T12:40:59.123456789Z,2025-08-21T12:40:59.123Z",
            "2025-08-21T14:40:59+02:00,2025-08-21T12:40:59Z", "2025-08-21T07:10:59-05:30,2025-08-21T12:40:59Z",
            "2024-02-29T00:00:00Z,2024-02-29T00:00:00Z", "1970-01-01T00:00:00Z,1970-01-01T00:00:00Z",
            "2016-12-31T23:59:60Z,2016-12-31T23:59:59.999Z"})
    void readsRfc3339Times(String value, String expected) {
        assertEquals(Instant.parse(expected).toEpochMilli(), AnthropicRateLimits.epochMillis(value), value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2025-08-21", "2025-08-21T12:40:59", "2025-08-21T12:40:59+0200", "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z", "2025-08-21T24:00:00Z", "2025-08-21T12:40:59.Z", "2025-08-21T12:40:59Zx",
            "1s", "Thu, 21 Aug 2025 12:40:59 GMT"})
    void refusesWhatIsNoRfc3339Time(String value) {
        assertEquals(UNKNOWN, AnthropicRateLimits.epochMillis(value), value);
    }

    @Test
    void readsRequestsAndTokensWithTheirResetsFromNow() {
        long now = Instant.parse("2025-08-21T12:40:58Z").toEpochMilli();
        UpstreamLimits limits = AnthropicRateLimits.READER.read(Map.of("anthropic-ratelimit-requests-limit", "1000",
                "anthropic-ratelimit-requests-remaining", "999", "anthropic-ratelimit-requests-reset",
                "2025-08-21T12:40:59Z", "anthropic-ratelimit-tokens-limit", "96000", "anthropic-ratelimit-tokens-remaining",
                "4000", "anthropic-ratelimit-tokens-reset", "2025-08-21T12:40:57Z")::get, now);
        assertEquals(new UpstreamLimits(1000, 999, 1000, 96000, 4000, 0), limits);
        assertTrue(limits.nearlyExhausted(0.05), "4,000 of 96,000 tokens left");
        assertFalse(limits.nearlyExhausted(0.04));
    }

    @Test
    void openAiHeadersAreNotAnthropics() {
        assertEquals(null, AnthropicRateLimits.READER.read(Map.of("x-ratelimit-remaining-requests", "0")::get, 0));
    }
}
