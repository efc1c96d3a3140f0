package dev.tokenledger.wire;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;

/**
 * Refuses request fields that change the answer but have no equivalent once the request is translated to another
 * format: a field left at its neutral value passes, any other value is a 400 naming the field, never a silent drop.
 */
public final class Untranslatable {

    /** No value but absent or null is neutral. */
    public static final Predicate<JsonNode> ANY = v -> false;
    public static final Predicate<JsonNode> FALSE = v -> v.isBoolean() && !v.asBoolean();
    public static final Predicate<JsonNode> ZERO = v -> v.isNumber() && v.asDouble() == 0;
    public static final Predicate<JsonNode> ONE = v -> v.isNumber() && v.asDouble() == 1;
    public static final Predicate<JsonNode> EMPTY = v -> v.isContainerNode()
            ? v.isEmpty()
            : v.isTextual() && v.asText().isEmpty();

    private Untranslatable() {
    }

    /**
     * @param neutral the values (besides absent and null) that ask for nothing beyond the default
     * @param why what the field would need that the translation cannot give, completing "'field' ..."
     * @throws GatewayError an invalid-request error naming the field when its value is not neutral
     */
    public static void refuse(ObjectNode root, String field, Predicate<JsonNode> neutral, String why) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull() || neutral.test(value)) {
            return;
        }
        throw GatewayError.invalid(field, "'" + field + "' " + why);
    }
}
