package dev.tokenledger.admin;

import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;

/** Errors of the admin API, in the same JSON error shape as the rest of the gateway. */
final class AdminErrors {

    private AdminErrors() {
    }

    static GatewayError notFound(String what) {
        return GatewayError.of(ErrorKind.NOT_FOUND, what + " not found.");
    }

    static GatewayError invalid(String param, String message) {
        return GatewayError.invalid(param, message);
    }

    /** Longest name, reason or other text field the admin API stores. */
    static final int MAX_TEXT = 1000;

    static String required(String value, String param) {
        if (value == null || value.isBlank()) {
            throw invalid(param, "Missing required field: '" + param + "'.");
        }
        return ClientText.attribute(param, value.trim(), MAX_TEXT);
    }

    /**
     * Checks every text in a JSON-like value (strings, list items, map keys and values, nested): no control or
     * text-direction characters, each bounded, so that what is stored cannot be refused by the database or forge a
     * line where it is shown.
     */
    static void texts(String param, Object value) {
        if (value instanceof String text) {
            ClientText.attribute(param, text, MAX_TEXT);
        } else if (value instanceof java.util.Collection<?> items) {
            items.forEach(item -> texts(param, item));
        } else if (value instanceof java.util.Map<?, ?> map) {
            map.forEach((k, v) -> {
                texts(param, k);
                texts(param, v);
            });
        }
    }
}
