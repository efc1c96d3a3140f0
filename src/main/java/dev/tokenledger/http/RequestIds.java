package dev.tokenledger.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: UUID version 7 (time-ordered), as used for the ledger, upstream correlation and logs. */
public final class RequestIds {

    private RequestIds() {
    }

    public static String next() {
        long millis = System.currentTimeMillis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** Whether a client-supplied id is safe to echo: short, printable ASCII without spaces or separators. */
    public static boolean acceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == ',' || c == ';' || c == '"') {
                return false;
            }
        }
        return true;
    }
}
