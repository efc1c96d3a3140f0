package dev.tokenledger.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VirtualKeysTest {

    private static final String FOX = "The quick brown fox jumps over the lazy dog";

    @Test
    void hashIsHmacSha256UnderThePepperEveryTime() {
        // the well-known HMAC-SHA-256 vector for key "key"
        String expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
        assertEquals(expected, VirtualKeys.hash("key", FOX));
        assertEquals(expected, VirtualKeys.hash("key", FOX), "the thread's Mac is reset after each key");
        assertEquals("d7540cc5b5f4bca18262883d78fe280a3958c9f480c829e793b3f432538d70f9",
                VirtualKeys.hash("other pepper", FOX), "a change of pepper re-keys the thread's Mac");
        assertEquals(expected, VirtualKeys.hash("key", FOX));
    }
}
