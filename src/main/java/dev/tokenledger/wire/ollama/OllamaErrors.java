package dev.tokenledger.wire.ollama;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/** Ollama's error shape, {@code {"error":"message"}}, as an answer body and as an NDJSON stream line. */
public final class OllamaErrors {

    private OllamaErrors() {
    }

    public static byte[] encode(GatewayError error) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("error", error.getMessage());
        return Json.write(root);
    }

    /** The error as one NDJSON line, terminator included. */
    static byte[] line(GatewayError error) {
        byte[] json = encode(error);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    /** The message of an Ollama error body, or null when it is not one. */
    public static String message(byte[] body) {
        ObjectNode root = body == null ? null : Json.tryParseObject(body);
        return root == null ? null : message(root);
    }

    /** The message of an error object ({@code error} as a string, or an object with a {@code message}), or null. */
    static String message(ObjectNode root) {
        JsonNode error = root.get("error");
        if (error == null || error.isNull()) {
            return null;
        }
        if (error.isTextual()) {
            return error.asText();
        }
        JsonNode message = error.path("message");
        return message.isTextual() ? message.asText() : new String(Json.write(error), StandardCharsets.UTF_8);
    }
}
