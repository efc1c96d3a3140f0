package dev.tokenledger.wire;

import java.util.Collection;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.json.Json;

/** Writes canonical values into wire JSON for the mappers, leaving out what the request did not set. */
public final class JsonPut {

    private JsonPut() {
    }

    /**
     * Sets a field to a plain Java value (string, number, boolean, list, map); leaves it out when the value is null or
     * an empty collection.
     */
    public static void ifSet(ObjectNode node, String field, Object value) {
        if (value == null || value instanceof Collection<?> c && c.isEmpty()) {
            return;
        }
        node.set(field, Json.toNode(value));
    }
}
