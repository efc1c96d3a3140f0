package dev.tokenledger.wire.gemini;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Ids for Gemini function calls, which usually have none while every other format needs one to tie a result to its
 * call. A synthesized id is stable: the same call in the same answer always gets the same id. It carries a prefix of
 * its own, so it is never sent to Gemini as if the model had made it.
 */
public final class GeminiToolIds {

    /** Prefix of every synthesized id. */
    public static final String PREFIX = "call_gm";

    private GeminiToolIds() {
    }

    /**
     * @param scope what makes the id unique beyond the call itself: the response id, or the turn of a conversation
     * @param index the call's position among the calls of its turn
     */
    public static String synthesize(String scope, int index, String name, String arguments) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((scope + '\u0000' + index + '\u0000' + name + '\u0000' + arguments)
                    .getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public static boolean synthesized(String id) {
        return id != null && id.startsWith(PREFIX);
    }
}
