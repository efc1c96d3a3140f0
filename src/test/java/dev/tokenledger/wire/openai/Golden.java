package dev.tokenledger.wire.openai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Loads the golden files of {@code src/test/resources/golden/openai/}. */
final class Golden {

    /** A plain mapper, independent of the one under test. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Golden() {
    }

    /** The exact bytes of a golden file. */
    static byte[] bytes(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/openai/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A golden JSON file as a tree. */
    static ObjectNode json(String name) {
        return (ObjectNode) tree(bytes(name));
    }

    static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
