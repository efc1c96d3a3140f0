package dev.tokenledger.admin;

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

    static String required(String value, String param) {
        if (value == null || value.isBlank()) {
            throw invalid(param, "Missing required field: '" + param + "'.");
        }
        return value.trim();
    }
}
