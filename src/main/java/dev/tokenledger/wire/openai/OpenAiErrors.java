package dev.tokenledger.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/** OpenAI's error shape: {@code {"error":{"message","type","param","code"}}}, all four keys always present. */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    public static ObjectNode toWire(GatewayError error) {
        ObjectNode root = Json.NODES.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", error.getMessage());
        e.put("type", type(error.kind()));
        if (error.param() == null) {
            e.putNull("param");
        } else {
            e.put("param", error.param());
        }
        String code = error.code() != null ? error.code() : code(error.kind());
        if (code == null) {
            e.putNull("code");
        } else {
            e.put("code", code);
        }
        return root;
    }

    public static byte[] encode(GatewayError error) {
        return Json.write(toWire(error));
    }

    /** The message of an upstream OpenAI-style error body, or null. */
    public static String message(byte[] body) {
        ObjectNode root = body == null ? null : Json.tryParseObject(body);
        if (root == null) {
            return null;
        }
        JsonNode error = root.get("error");
        if (error != null && error.isObject() && error.path("message").isTextual()) {
            return error.get("message").asText();
        }
        if (error != null && error.isTextual()) {
            return error.asText();
        }
        return root.path("message").isTextual() ? root.get("message").asText() : null;
    }

    /**
     * The error an {@code error} object inside an upstream stream stands for: the client's error (400) when the
     * upstream blames the request ({@code invalid_request_error}), else an upstream failure. The upstream's error code
     * is kept.
     */
    static GatewayError inStream(JsonNode error) {
        String message = error.path("message").asText("The upstream reported an error in the stream.");
        if ("invalid_request_error".equals(error.path("type").asText())) {
            String code = error.path("code").isTextual() ? error.get("code").asText() : null;
            return GatewayError.upstream(ErrorKind.UPSTREAM_CLIENT_ERROR, 400, message, code);
        }
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, message, "upstream_error");
    }

    static String type(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, NOT_FOUND, UNSUPPORTED, PAYLOAD_TOO_LARGE, UPSTREAM_CLIENT_ERROR, CONFLICT,
                    REQUEST_TIMEOUT ->
                "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case RATE_LIMITED, UPSTREAM_RATE_LIMITED -> "rate_limit_error";
            case QUOTA_EXCEEDED -> "insufficient_quota";
            case UNAVAILABLE -> "service_unavailable";
            case UPSTREAM_ERROR, UPSTREAM_TIMEOUT, INTERNAL -> "api_error";
        };
    }

    private static String code(ErrorKind kind) {
        return switch (kind) {
            case AUTHENTICATION -> "invalid_api_key";
            case NOT_FOUND -> "model_not_found";
            case PAYLOAD_TOO_LARGE -> "request_too_large";
            case REQUEST_TIMEOUT -> "request_timeout";
            case UNSUPPORTED -> "unsupported_operation";
            case RATE_LIMITED, UPSTREAM_RATE_LIMITED -> "rate_limit_exceeded";
            case QUOTA_EXCEEDED -> "quota_exceeded";
            case UPSTREAM_ERROR -> "upstream_error";
            case UPSTREAM_TIMEOUT -> "upstream_timeout";
            default -> null;
        };
    }
}
