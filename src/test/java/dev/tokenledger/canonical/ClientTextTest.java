package dev.tokenledger.canonical;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The edge's rules for client text: model names, attributes, and log fields that cannot forge a line. */
class ClientTextTest {

    @Test
    void modelNamesKeepToTheirCharacterSetWithoutDotSegments() {
        for (String ok : new String[]{"gpt-4o", "mock/gpt-4o-mini-2024-07-18", "llama3.2:8b", "org@v1", "a_b.c"}) {
            assertEquals(ok, ClientText.model("model", ok));
        }
        for (String bad : new String[]{"x\u0000y", "x\ny", "gpt\u202E", "a b", "a?key=1", "a#f", "a%2F", "../x",
                "gmock/../../v1/models", "a/./b", "x".repeat(ClientText.MAX_MODEL + 1)}) {
            GatewayError e = assertThrows(GatewayError.class, () -> ClientText.model("model", bad), bad);
            assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
            assertEquals("model", e.param());
        }
        assertFalse(ClientText.isModel("a\nb"));
        assertTrue(ClientText.isModel("a.b"));
    }

    @Test
    void attributesRefuseControlAndDirectionCharactersAndLength() {
        assertEquals("tenant-1 ✓ 🙂", ClientText.attribute("user", "tenant-1 ✓ 🙂", 256));
        for (String bad : new String[]{"x\u0000y", "x\ny", "x\ry", "\u202Eevil", "a\u2028b", "\u0085", "\uD800",
                "x".repeat(257)}) {
            assertThrows(GatewayError.class, () -> ClientText.attribute("user", bad, 256), bad);
        }
        assertEquals(null, ClientText.attribute("user", null, 256));
    }

    @Test
    void logFieldsCannotForgeALine() {
        String forged = "gpt-test\n2026-01-01 INFO [admin] granted";
        String logged = ClientText.forLog(forged);
        assertFalse(logged.contains("\n"), logged);
        assertEquals("gpt-test\\u000a2026-01-01 INFO [admin] granted", logged);
        assertEquals("a\\u202eb 🙂", ClientText.forLog("a\u202Eb 🙂"));
        assertTrue(ClientText.forLog("x".repeat(10_000)).length() < 400);
        assertEquals("null", ClientText.forLog(null));
    }
}
