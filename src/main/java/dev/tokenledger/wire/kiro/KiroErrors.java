package dev.tokenledger.wire.kiro;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.wire.bedrock.BedrockErrors;

/**
 * Kiro's errors: HTTP answers with {@code {"message":"…","reason":…}} (or {@code Message}), and the exception or error
 * frames of an event stream ({@code :exception-type} or {@code :error-code}: {@code ThrottlingException},
 * {@code ValidationException}, {@code AccessDeniedException}, …), mapped to the gateway's error kinds.
 */
public final class KiroErrors {

    private KiroErrors() {
    }

    /** The human message of an error body ({@code message} or {@code Message}, as Bedrock's), or null. */
    public static String message(byte[] body) {
        return BedrockErrors.message(body);
    }

    /** The error an exception or error frame inside a stream reports. */
    public static GatewayError streamException(String exceptionType, byte[] payload) {
        String type = exceptionType == null ? "InternalServerException" : exceptionType;
        String detail = message(payload);
        String message = "The upstream failed inside the stream (" + type + ")" + (detail != null ? ": " + detail : ".");
        String lower = type.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("throttling") || lower.startsWith("servicequotaexceeded")) {
            return GatewayError.upstream(ErrorKind.UPSTREAM_RATE_LIMITED, 429, message, "upstream_rate_limited");
        }
        if (lower.startsWith("validation")) {
            return GatewayError.upstream(ErrorKind.UPSTREAM_CLIENT_ERROR, 400, message, null);
        }
        if (lower.startsWith("accessdenied")) {
            return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 403, message, "upstream_error");
        }
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 500, message, "upstream_error");
    }
}
