package dev.tokenledger.wire.openai;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.testing.Golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile variants of valid requests: every value of the golden Responses and completions requests, at every depth,
 * replaced in turn by a value of each other JSON type. Each variant is either accepted or refused as an invalid
 * request; no other failure (a cast, a null) may escape the mappers.
 */
class ResponsesAndCompletionsFuzzTest {

    private static final List<JsonNode> REPLACEMENTS = List.of(Golden.MAPPER.nullNode(),
            Golden.MAPPER.getNodeFactory().numberNode(-1), Golden.MAPPER.getNodeFactory().numberNode(1e300),
            Golden.MAPPER.getNodeFactory().textNode("x"), Golden.MAPPER.getNodeFactory().booleanNode(true),
            Golden.MAPPER.createArrayNode(), Golden.MAPPER.createArrayNode().add(Golden.MAPPER.nullNode()),
            Golden.MAPPER.createObjectNode(), Golden.MAPPER.createObjectNode().put("type", "message"));

    @Test
    void responsesRequestVariants() {
        int variants = fuzz(Golden.json("openai-responses/request-items.json"), OpenAiResponsesRequests::toCanonical);
        assertEquals(true, variants > 1000, "variants tried: " + variants);
    }

    @Test
    void completionsRequestVariants() {
        fuzz(Golden.json("openai-completions/request.json"), OpenAiCompletionsRequests::toCanonical);
    }

    private static int fuzz(ObjectNode valid, Consumer<byte[]> mapper) {
        return forEachVariant(valid, body -> {
            try {
                mapper.accept(body);
            } catch (GatewayError e) {
                assertEquals(ErrorKind.INVALID_REQUEST, e.kind(), e.getMessage());
            }
        });
    }

    /** Runs the check on every variant; any exception but the check's own fails with the variant. */
    private static int forEachVariant(ObjectNode valid, Consumer<byte[]> check) {
        List<JsonNode> containers = new ArrayList<>();
        collect(valid, containers);
        int count = 0;
        for (JsonNode container : containers) {
            int size = container.size();
            List<String> keys = new ArrayList<>();
            container.fieldNames().forEachRemaining(keys::add);
            for (int i = 0; i < size; i++) {
                JsonNode original = container.isArray() ? container.get(i) : container.get(keys.get(i));
                for (JsonNode replacement : REPLACEMENTS) {
                    set(container, keys, i, replacement);
                    byte[] body = Golden.write(valid);
                    try {
                        check.accept(body);
                    } catch (AssertionError | RuntimeException e) {
                        fail("variant " + new String(body, java.nio.charset.StandardCharsets.UTF_8) + " failed with " + e,
                                e);
                    }
                    count++;
                }
                set(container, keys, i, original);
            }
        }
        return count;
    }

    private static void set(JsonNode container, List<String> keys, int i, JsonNode value) {
        if (container instanceof ArrayNode array) {
            array.set(i, value);
        } else {
            ((ObjectNode) container).set(keys.get(i), value);
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (!node.isContainerNode()) {
            return;
        }
        containers.add(node);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            collect(it.next().getValue(), containers);
        }
        if (node.isArray()) {
            node.forEach(child -> collect(child, containers));
        }
    }
}
