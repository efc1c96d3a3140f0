package dev.tokenledger.wire;

import com.fasterxml.jackson.databind.JsonNode;
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
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw GatewayError.invalid(field, "Invalid type for '" + field + "': expected a string.");
        }
        return value.asText();
    }

    public static boolean optionalBoolean(ObjectNode root, String field) {
        Boolean value = optionalBooleanObject(root, field);
        return value != null && value;
    }

    public static Boolean optionalBooleanObject(ObjectNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw GatewayError.invalid(field, "Invalid type for '" + field + "': expected a boolean.");
        }
        return value.asBoolean();
    }

    public static Integer optionalInt(ObjectNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
            throw GatewayError.invalid(field, "Invalid type for '" + field + "': expected a non-negative integer.");
        }
        return value.asInt();
    }

    public static Double optionalDouble(ObjectNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw GatewayError.invalid(field, "Invalid type for '" + field + "': expected a number.");
        }
        return value.asDouble();
    }

    /**
     * An optional array field; null when absent or JSON null.
     *
     * @param path the field's path in the request, for the error
     */
    public static com.fasterxml.jackson.databind.node.ArrayNode optionalArray(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected an array.");
        }
        return (com.fasterxml.jackson.databind.node.ArrayNode) value;
    }
}
