package dev.tokenledger.wire.anthropic;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.openai.OpenAiErrors;

/**
 * Anthropic's error shape: {@code {"type":"error","error":{"type":"…","message":"…"}}}. An upstream that said it is
 * overloaded (HTTP 529 or an {@code overloaded_error}) is answered as overloaded with status 529, as Anthropic does.
 */
public final class AnthropicErrors {

    public static final String OVERLOADED = "overloaded_error";
    private static final Set<String> TYPES = Set.of("invalid_request_error", "authentication_error", "billing_error",
            "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error", "timeout_error",
            OVERLOADED);

    private AnthropicErrors() {
    }

    public static ObjectNode toWire(GatewayError error) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("type", "error");
        ObjectNode e = root.putObject("error");
        e.put("type", type(error));
        e.put("message", error.getMessage());
        return root;
    }

    public static byte[] encode(GatewayError error) {
        return Json.write(toWire(error));
    }

    /** The HTTP status for an error answered in this format: 529 for overload, else the error's own. */
    public static int status(GatewayError error) {
        return OVERLOADED.equals(type(error)) ? 529 : error.httpStatus();
    }

    /** The Anthropic error type of an error: one the upstream named, else by kind. */
    public static String type(GatewayError error) {
        if (error.code() != null && TYPES.contains(error.code())) {
            return error.code();
        }
        if (error.upstreamStatus() == 529 || error.kind() == ErrorKind.UNAVAILABLE) {
            return OVERLOADED;
        }
        return switch (error.kind()) {
            case INVALID_REQUEST, UNSUPPORTED, UPSTREAM_CLIENT_ERROR, CONFLICT, REQUEST_TIMEOUT ->
                clientType(error.httpStatus());
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case NOT_FOUND -> "not_found_error";
            case PAYLOAD_TOO_LARGE -> "request_too_large";
            case RATE_LIMITED, QUOTA_EXCEEDED, UPSTREAM_RATE_LIMITED -> "rate_limit_error";
            case UPSTREAM_TIMEOUT -> "timeout_error";
            case UPSTREAM_ERROR, INTERNAL, UNAVAILABLE -> "api_error";
        };
    }

    private static String clientType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            default -> "invalid_request_error";
        };
    }

    /**
     * The message of an upstream Anthropic error body, or null. Anthropic's {@code error.message} sits where OpenAI's
     * does, so one reader serves both.
     */
    public static String message(byte[] body) {
        return OpenAiErrors.message(body);
    }

    /** The error an {@code error} event inside a stream stands for. */
    static GatewayError streamError(JsonNode event) {
        JsonNode error = event.path("error");
        String type = error.path("type").asText("api_error");
        String message = error.path("message").asText("The upstream reported an error in the stream.");
        int clientStatus = switch (type) {
            case "invalid_request_error" -> 400;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            default -> 0;
        };
        if (clientStatus > 0) {
            // the upstream blames the request: the client's error, not the upstream's failure
            return GatewayError.upstream(ErrorKind.UPSTREAM_CLIENT_ERROR, clientStatus, message, type);
        }
        ErrorKind kind = "rate_limit_error".equals(type) ? ErrorKind.UPSTREAM_RATE_LIMITED : ErrorKind.UPSTREAM_ERROR;
        return GatewayError.upstream(kind, 0, message, TYPES.contains(type) ? type : "upstream_error");
    }
}
