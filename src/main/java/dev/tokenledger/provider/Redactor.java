package dev.tokenledger.provider;

import java.util.regex.Pattern;

/** Removes credentials from text that may reach a client or a log, such as an upstream's error message. */
public final class Redactor {

    private static final Pattern KEY_LIKE = Pattern.compile(
            "(sk|rk|pk|tl)[-_][A-Za-z0-9_\\-*]{6,}|AIza[0-9A-Za-z_\\-]{20,}|(?i)bearer\\s+[A-Za-z0-9._\\-~+/]{8,}=*");

    private final String secret;

    /** @param secret a specific secret to remove wherever it appears, or null */
    public Redactor(String secret) {
        this.secret = secret == null || secret.length() < 4 ? null : secret;
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = secret == null ? text : text.replace(secret, "[redacted]");
        return KEY_LIKE.matcher(result).replaceAll("[redacted]");
    }
}
