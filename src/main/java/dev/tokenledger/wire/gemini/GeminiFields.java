package dev.tokenledger.wire.gemini;

import java.util.function.Predicate;

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
        JsonNode value = typed(node, camel, path, JsonNode::isTextual, "a string");
        return value == null ? null : value.asText();
    }

    static JsonNode object(JsonNode node, String camel, String path) {
        return typed(node, camel, path, JsonNode::isObject, "an object");
    }

    static JsonNode array(JsonNode node, String camel, String path) {
        return typed(node, camel, path, JsonNode::isArray, "a list");
    }

    static Integer integer(JsonNode node, String camel, String path) {
        JsonNode value = typed(node, camel, path, v -> v.isIntegralNumber() && v.canConvertToInt(), "an integer");
        return value == null ? null : value.asInt();
    }

    static Double number(JsonNode node, String camel, String path) {
        JsonNode value = typed(node, camel, path, JsonNode::isNumber, "a number");
        return value == null ? null : value.asDouble();
    }

    /**
     * A field's value by either spelling, or null when absent or JSON null.
     *
     * @param valid whether a value has the field's type
     * @param expected the type, in the error's words ("a string")
     */
    private static JsonNode typed(JsonNode node, String camel, String path, Predicate<JsonNode> valid,
            String expected) {
        JsonNode value = get(node, camel);
        if (value != null && !valid.test(value)) {
            throw GatewayError.invalid(path, "Invalid value at '" + path + "': expected " + expected + ".");
        }
        return value;
    }

    /**
     * A list element or field value that must be one of the API's message objects.
     *
     * @param type the object's name in Google's reference ({@code Content}, {@code Part}, {@code Tool})
     */
    static JsonNode expectObject(JsonNode value, String path, String type) {
        if (!value.isObject()) {
            throw GatewayError.invalid(path, "Invalid value at '" + path + "': expected a " + type + " object.");
        }
        return value;
    }

    static boolean flag(JsonNode node, String camel) {
        JsonNode value = get(node, camel);
        return value != null && value.isBoolean() && value.asBoolean();
    }
}
