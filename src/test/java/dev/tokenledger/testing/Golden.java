package dev.tokenledger.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Loads the golden files of {@code src/test/resources/golden/}, named by their path below it, e.g.
 * {@code openai/chat-request-basic.json}.
 */
public final class Golden {

    /** A plain mapper, independent of the one under test. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Golden() {
    }

    /** The exact bytes of a golden file. */
    public static byte[] bytes(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A golden JSON file as a tree. */
    public static ObjectNode json(String name) {
        return (ObjectNode) tree(bytes(name));
    }

    public static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
