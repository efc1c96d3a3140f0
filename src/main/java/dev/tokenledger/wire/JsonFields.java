package dev.tokenledger.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;

/**
 * Typed reads of request fields for the wire mappers: each failure is an invalid-request error naming the field, in
 * words that match the providers' own validation messages.
 */
public final class JsonFields {

    private JsonFields() {
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    public static String requiredString(ObjectNode root, String field) {
        return requiredString(root, field, field);
    }

    public static String requiredString(ObjectNode root, String field, String path) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw GatewayError.invalid(path, "Missing required parameter: '" + path + "'.");
        }
        if (!value.isTextual()) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected a string.");
        }
        if (value.asText().isBlank()) {
            throw GatewayError.invalid(path, "Invalid value for '" + path + "': must not be empty.");
        }
        return value.asText();
    }

    public static String optionalString(ObjectNode root, String field) {
        JsonNode value = optional(root, field, field, JsonNode::isTextual, "a string");
        return value == null ? null : value.asText();
    }

    public static boolean optionalBoolean(ObjectNode root, String field) {
        Boolean value = optionalBooleanObject(root, field);
        return value != null && value;
    }

    public static Boolean optionalBooleanObject(ObjectNode root, String field) {
        JsonNode value = optional(root, field, field, JsonNode::isBoolean, "a boolean");
        return value == null ? null : value.asBoolean();
    }

    public static Integer optionalInt(ObjectNode root, String field) {
        JsonNode value = optional(root, field, field, v -> v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0,
                "a non-negative integer");
        return value == null ? null : value.asInt();
    }

    public static Double optionalDouble(ObjectNode root, String field) {
        JsonNode value = optional(root, field, field, JsonNode::isNumber, "a number");
        return value == null ? null : value.asDouble();
    }

    /**
     * An optional array field; null when absent or JSON null.
     *
     * @param path the field's path in the request, for the error
     */
    public static ArrayNode optionalArray(JsonNode node, String field, String path) {
        return (ArrayNode) optional(node, field, path, JsonNode::isArray, "an array");
    }

    /**
     * The elements of a JSON list as strings.
     *
     * @param notStrings the format's error for a value that is not a list, or an element that is not a string
     */
    public static List<String> strings(JsonNode list, Supplier<GatewayError> notStrings) {
        if (!list.isArray()) {
            throw notStrings.get(); // an object's values are not a list
        }
        List<String> strings = new ArrayList<>(list.size());
        for (JsonNode element : list) {
            if (!element.isTextual()) {
                throw notStrings.get();
            }
            strings.add(element.asText());
        }
        return strings;
    }

    /**
     * A field that holds one string or a list of strings (the {@code stop} of OpenAI's chat format and of Ollama's);
     * empty when absent or JSON null.
     *
     * @param notStrings the format's error for a value that is neither, or a list element that is not a string
     */
    public static List<String> stringOrStrings(JsonNode node, Supplier<GatewayError> notStrings) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        return node.isTextual() ? List.of(node.asText()) : strings(node, notStrings);
    }

    /**
     * An optional field's value; null when absent or JSON null.
     *
     * @param path the field's path in the request, for the error
     * @param valid whether a value has the field's type
     * @param expected the type, in the error's words ("a string")
     */
    private static JsonNode optional(JsonNode node, String field, String path, Predicate<JsonNode> valid,
            String expected) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!valid.test(value)) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected " + expected + ".");
        }
        return value;
    }
}
