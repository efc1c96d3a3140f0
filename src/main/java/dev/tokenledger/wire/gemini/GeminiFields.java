package dev.tokenledger.wire.gemini;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.GatewayError;

/**
 * Reads Gemini request fields the way Google's JSON parser does: by their camelCase name or by its snake_case twin
 * ({@code maxOutputTokens} or {@code max_output_tokens}). Type errors name the field as the client wrote it.
 */
final class GeminiFields {

    private GeminiFields() {
    }

    /** The snake_case twin of a camelCase name. */
    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The value of a field by either spelling, or null when absent or JSON null. */
    static JsonNode get(JsonNode node, String camel) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(camel);
        if (value == null || value.isNull()) {
            value = node.get(snake(camel));
        }
        return value == null || value.isNull() ? null : value;
    }

    /** Whether a field name is the given camelCase name or its snake_case twin. */
    static boolean is(String name, String camel) {
        return name.equals(camel) || name.equals(snake(camel));
    }

    static String string(JsonNode node, String camel, String path) {
        JsonNode value = get(node, camel);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw GatewayError.invalid(path, "Invalid value at '" + path + "': expected a string.");
        }
        return value.asText();
    }

    static JsonNode object(JsonNode node, String camel, String path) {
        JsonNode value = get(node, camel);
        if (value != null && !value.isObject()) {
            throw GatewayError.invalid(path, "Invalid value at '" + path + "': expected an object.");
        }
        return value;
    }

    static JsonNode array(JsonNode node, String camel, String path) {
        JsonNode value = get(node, camel);
        if (value != null && !value.isArray()) {
            throw GatewayError.invalid(path, "Invalid value at '" + path + "': expected a list.");
        }
        return value;
    }

    static Integer integer(JsonNode node, String camel, String path) {
        JsonNode value = get(node, camel);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw GatewayError.invalid(path, "Invalid value at '" + path + "': expected an integer.");
        }
        return value.asInt();
    }

    static Double number(JsonNode node, String camel, String path) {
        JsonNode value = get(node, camel);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw GatewayError.invalid(path, "Invalid value at '" + path + "': expected a number.");
        }
        return value.asDouble();
    }

    static boolean flag(JsonNode node, String camel) {
        JsonNode value = get(node, camel);
        return value != null && value.isBoolean() && value.asBoolean();
    }
}
