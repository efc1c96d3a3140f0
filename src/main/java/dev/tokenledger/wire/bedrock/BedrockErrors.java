package dev.tokenledger.wire.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * Bedrock's errors: HTTP answers with {@code {"message":"…"}} (or {@code Message}), and the exception frames of an
 * event stream ({@code :exception-type} such as {@code throttlingException}, {@code modelStreamErrorException},
 * {@code validationException}, {@code serviceUnavailableException}, {@code internalServerException}) mapped to the
 * gateway's error kinds with the status Bedrock gives each.
 */
public final class BedrockErrors {

    private BedrockErrors() {
    }

    /** The human message of an error body, or null. */
    public static String message(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null) {
            return null;
        }
        JsonNode message = root.has("message") ? root.get("message") : root.get("Message");
        return message != null && message.isTextual() ? message.asText() : null;
    }

    /** The error an exception frame inside a stream reports. */
    public static GatewayError streamException(String exceptionType, byte[] payload) {
        String type = exceptionType == null ? "internalServerException" : exceptionType;
        String detail = message(payload);
        String message = "The upstream failed inside the stream (" + type + ")" + (detail != null ? ": " + detail : ".");
        return switch (type) {
            case "throttlingException", "serviceQuotaExceededException" -> GatewayError.upstream(
                    ErrorKind.UPSTREAM_RATE_LIMITED, 429, message, "upstream_rate_limited");
            case "validationException" -> GatewayError.upstream(ErrorKind.UPSTREAM_CLIENT_ERROR, 400, message, null);
            case "modelTimeoutException" -> GatewayError.upstream(ErrorKind.UPSTREAM_TIMEOUT, 408, message,
                    "upstream_timeout");
            case "modelStreamErrorException" -> GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 424, message,
                    "upstream_error");
            case "serviceUnavailableException", "modelNotReadyException" -> GatewayError.upstream(
                    ErrorKind.UPSTREAM_ERROR, 503, message, "upstream_error");
            default -> GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 500, message, "upstream_error");
        };
    }
}
