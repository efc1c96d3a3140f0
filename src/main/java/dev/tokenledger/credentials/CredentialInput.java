package dev.tokenledger.credentials;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.tokenledger.canonical.GatewayError;

/**
 * Checks of what an admin sends to the credentials API: present, bounded, free of control characters. Every refusal
 * is a 400 naming the field, never echoing a secret.
 */
final class CredentialInput {

    static final int MAX_LABEL = 200;
    static final int MAX_SECRET = 16 * 1024;
    static final int MAX_HEADERS = 32;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    private CredentialInput() {
    }

    /** A plain field: present, at most {@code max} characters, trimmed. */
    static String required(String value, String param, int max) {
        if (value == null || value.isBlank()) {
            throw GatewayError.invalid(param, "Missing required field: '" + param + "'.");
        }
        if (value.length() > max) {
            throw GatewayError.invalid(param, "'" + param + "' is at most " + max + " characters.");
        }
        return value.trim();
    }

    /** A secret field: present, bounded, without control characters (line breaks allowed where a PEM needs them). */
    static String secret(String param, String value) {
        return secret(param, value, false);
    }

    static String secret(String param, String value, boolean multiLine) {
        if (value == null || value.isBlank()) {
            throw GatewayError.invalid(param, "Missing required field: '" + param + "'.");
        }
        if (value.length() > MAX_SECRET || value.chars().anyMatch(c -> (c < 0x20 || c == 0x7f)
                && !(multiLine && (c == '\n' || c == '\r')))) {
            throw GatewayError.invalid(param, "'" + param + "' is at most " + MAX_SECRET
                    + " characters without control characters.");
        }
        return value;
    }

    /** An http(s) URL field. */
    static String url(String value, String param) {
        String url = required(value, param, 2000);
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw GatewayError.invalid(param, "'" + param + "' must be an http(s) URL.");
        }
        return url;
    }

    /** Extra headers: at most {@link #MAX_HEADERS}, valid names, bounded values without control characters. */
    static Map<String, String> headers(Map<String, String> headers) {
        if (headers == null) {
            return Map.of();
        }
        if (headers.size() > MAX_HEADERS) {
            throw GatewayError.invalid("headers", "At most " + MAX_HEADERS + " extra headers.");
        }
        Map<String, String> out = new TreeMap<>();
        headers.forEach((name, value) -> {
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
                throw GatewayError.invalid("headers", "Invalid header name '" + bounded(name) + "'.");
            }
            if (value == null || value.length() > MAX_SECRET || value.chars().anyMatch(c -> c < 0x20 && c != '\t'
                    || c == 0x7f)) {
                throw GatewayError.invalid("headers", "The value of header '" + name
                        + "' is missing, too long or holds control characters.");
            }
            out.put(name, value);
        });
        return out;
    }

    /** Client text for a message: at most 60 characters. */
    static String bounded(String s) {
        return s == null ? "null" : s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
