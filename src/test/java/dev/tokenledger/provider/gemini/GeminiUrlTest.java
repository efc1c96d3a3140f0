package dev.tokenledger.provider.gemini;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The model is one percent-encoded path segment of Gemini's URL: nothing in it can leave that segment. */
class GeminiUrlTest {

    @Test
    void theModelCannotLeaveItsPathSegment() {
        assertEquals("gemini-2.5-flash", GeminiProvider.segment("gemini-2.5-flash"));
        assertEquals("..%2F..%2Fv1%2Fx%3Fkey%3D1%23f", GeminiProvider.segment("../../v1/x?key=1#f"));
        assertEquals("a%3AcountTokens%40b", GeminiProvider.segment("a:countTokens@b"));
        assertEquals("%C3%A9%00%0A", GeminiProvider.segment("é\u0000\n"));
    }
}
