package dev.tokenledger.wire.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * Google's error shape: {@code {"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT","details":[…]}}}, the
 * status named after the HTTP status as Google's APIs do.
 */
public final class GeminiErrors {

    private GeminiErrors() {
    }

    public static ObjectNode toWire(GatewayError error) {
        return toWire(error, error.httpStatus());
    }

    /** The error with the given code, e.g. the upstream's own for an error inside a stream already answered 200. */
    static ObjectNode toWire(GatewayError error, int code) {
        ObjectNode root = Json.NODES.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", code);
        e.put("message", error.getMessage());
        e.put("status", status(code));
        if (error.param() != null) {
            ObjectNode violation = e.putArray("details").addObject()
                    .put("@type", "type.googleapis.com/google.rpc.BadRequest")
                    .putArray("fieldViolations").addObject();
            violation.put("field", error.param()).put("description", error.getMessage());
        }
        return root;
    }

    public static byte[] encode(GatewayError error) {
        return Json.write(toWire(error));
    }

    /** Google's canonical status name for an HTTP status. */
    static String status(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405, 501 -> "UNIMPLEMENTED";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 502, 503 -> "UNAVAILABLE";
            case 408, 504 -> "DEADLINE_EXCEEDED";
            default -> httpStatus >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }

    /** The message of an upstream Google error body, or null. */
    public static String message(byte[] body) {
        ObjectNode root = body == null ? null : Json.tryParseObject(body);
        if (root == null && body != null) {
            // a failed stream answers with a one-element JSON array
            try {
                JsonNode node = Json.MAPPER.readTree(body);
                root = node != null && node.isArray() && node.path(0).isObject() ? (ObjectNode) node.get(0) : null;
            } catch (java.io.IOException e) {
                return null;
            }
        }
        return root == null ? null : message(root);
    }

    static String message(JsonNode root) {
        JsonNode error = root.get("error");
        if (error != null && error.path("message").isTextual()) {
            return error.get("message").asText();
        }
        return null;
    }

    /** An error object inside an upstream stream as the gateway's error; null when the JSON is no error. */
    static GatewayError inStream(JsonNode root) {
        JsonNode error = root == null ? null : root.get("error");
        if (error == null || !error.isObject()) {
            return null;
        }
        int code = error.path("code").asInt(500);
        String message = error.path("message").asText("The upstream reported an error in the stream.");
        ErrorKind kind = code == 429
                ? ErrorKind.UPSTREAM_RATE_LIMITED
                : code == 504
                        ? ErrorKind.UPSTREAM_TIMEOUT
                        : code == 400 || code == 404 || code == 413 || code == 422
                                ? ErrorKind.UPSTREAM_CLIENT_ERROR // the upstream blames the request
                                : ErrorKind.UPSTREAM_ERROR;
        return GatewayError.upstream(kind, code, message, "upstream_error");
    }
}
