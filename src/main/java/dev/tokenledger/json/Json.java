package dev.tokenledger.json;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.tokenledger.canonical.GatewayError;

/**
 * The JSON reader and writer shared by the wire mappers. Pure: no framework, no I/O beyond byte arrays. Nesting depth
 * is capped so hostile bodies fail fast as client errors.
 */
public final class Json {

    /** Deepest nesting accepted in a request body. */
    public static final int MAX_NESTING_DEPTH = 256;

    public static final ObjectMapper MAPPER = createMapper();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final com.fasterxml.jackson.databind.ObjectReader IN_STREAM = MAPPER.reader()
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    private static ObjectMapper createMapper() {
        ObjectMapper mapper = new ObjectMapper();
        // a body is one JSON value: '{...} {...}' or '{...}garbage' is malformed, not the first object
        mapper.enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .build());
        // java.time values (e.g. LedgerRow.createdAt in the ledger spool) as ISO-8601 text; without the module
        // Jackson refuses them, and spooling a ledger row failed
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return mapper;
    }

    /**
     * Parses a request body that must be a JSON object.
     *
     * @throws GatewayError of kind invalid request when the body is not a JSON object
     */
    public static ObjectNode parseObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw GatewayError.invalid(null, "The request body is empty; a JSON object is required.");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw GatewayError.invalid(null, "The request body is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw GatewayError.invalid(null, "The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    /** Parses bytes from an upstream; returns null when they are not a JSON object. */
    public static ObjectNode tryParseObject(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? (ObjectNode) node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Parses text from an upstream; returns null when it is not a JSON object. */
    public static ObjectNode tryParseObject(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() ? (ObjectNode) node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The value of one top-level field of a JSON object, read with the streaming parser: every other field is skipped
     * without building a tree. Null when the bytes are not a JSON object or the field is absent.
     */
    public static JsonNode topLevelField(byte[] body, String field) {
        return topLevelFields(body, field)[0];
    }

    /**
     * The values of some top-level fields of a JSON object in one pass of the streaming parser (each its first
     * occurrence, as {@link #topLevelField} reads it); an element is null when its field is absent, or comes after
     * bytes that are not JSON. The pass stops once every field is found.
     */
    public static JsonNode[] topLevelFields(byte[] body, String... fields) {
        JsonNode[] values = new JsonNode[fields.length];
        boolean[] read = new boolean[fields.length];
        int missing = fields.length;
        try (com.fasterxml.jackson.core.JsonParser parser = MAPPER.getFactory().createParser(body)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return values;
            }
            while (missing > 0 && parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                int wanted = indexOf(fields, read, name);
                if (wanted < 0) {
                    parser.skipChildren();
                } else {
                    // the rest of the document follows this value: no trailing-token check here
                    values[wanted] = IN_STREAM.readTree(parser);
                    read[wanted] = true;
                    missing--;
                }
            }
        } catch (IOException e) {
            // what was read before the bytes stopped being JSON stands
        }
        return values;
    }

    /** The index of a field not read yet, or -1. */
    private static int indexOf(String[] fields, boolean[] read, String name) {
        for (int i = 0; i < fields.length; i++) {
            if (!read[i] && fields[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON tree cannot be written", e);
        }
    }

    /** Converts a JSON tree to plain Java values (maps, lists, strings, numbers, booleans, null). */
    public static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, MAP);
    }

    public static Object toValue(JsonNode node) {
        return MAPPER.convertValue(node, Object.class);
    }

    public static JsonNode toNode(Object value) {
        return MAPPER.valueToTree(value);
    }
}
