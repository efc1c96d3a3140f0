package dev.tokenledger.provider;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Removes credentials and upstream addresses from text that may reach a client or a log, such as an upstream's error
 * message: keys, URLs, IP addresses, {@code host:port} pairs and the provider's own host name. A client learns that
 * an upstream failed and why, never where it lives.
 */
public final class Redactor {

    private static final Pattern KEY_LIKE = Pattern.compile(
            "(sk|rk|pk|tl)[-_][A-Za-z0-9_\\-*]{6,}|AIza[0-9A-Za-z_\\-]{20,}|(?i)bearer\\s+[A-Za-z0-9._\\-~+/]{8,}=*");
    /** URLs, IPv4 addresses (with a port) and {@code host.name:port}. */
    private static final Pattern ADDRESS = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s\"'<>]+"
            + "|\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d{1,5})?\\b|\\b[a-z0-9-]+(\\.[a-z0-9-]+)+:\\d{1,5}\\b");
    static final String UPSTREAM = "[upstream]";

    private final String secret;
    private final Pattern host;

    /** @param secret a specific secret to remove wherever it appears, or null */
    public Redactor(String secret) {
        this(secret, null);
    }

    /**
     * @param secret a specific secret to remove wherever it appears, or null
     * @param baseUrl the provider's base URL, whose host is removed wherever it appears, or null
     */
    public Redactor(String secret, String baseUrl) {
        this.secret = secret == null || secret.length() < 4 ? null : secret;
        String name = hostOf(baseUrl);
        this.host = name == null ? null : Pattern.compile(Pattern.quote(name), Pattern.CASE_INSENSITIVE);
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = secret == null ? text : text.replace(secret, "[redacted]");
        result = KEY_LIKE.matcher(result).replaceAll("[redacted]");
        result = ADDRESS.matcher(result).replaceAll(UPSTREAM);
        return host == null ? result : host.matcher(result).replaceAll(UPSTREAM);
    }

    private static String hostOf(String baseUrl) {
        if (baseUrl == null) {
            return null;
        }
        try {
            String host = java.net.URI.create(baseUrl.trim()).getHost();
            // a bare name like "localhost" would also hit ordinary words; it is covered with its port or in a URL
            return host == null || !host.contains(".") ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
