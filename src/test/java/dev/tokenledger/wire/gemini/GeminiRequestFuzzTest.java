package dev.tokenledger.wire.gemini;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.openai.OpenAiChatRequests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile Gemini bodies: every value of the golden requests replaced by each wrong JSON type, deep nesting, invalid
 * UTF-8. Decoding either succeeds or fails as an invalid request; translating what decoded to another format either
 * succeeds or fails as an invalid request. Nothing else escapes (no NullPointerException, no ClassCastException).
 */
class GeminiRequestFuzzTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonNode> WRONG = List.of(NODES.nullNode(), NODES.textNode("x"), NODES.numberNode(-1),
            NODES.booleanNode(true), NODES.arrayNode().add(1), NODES.objectNode().put("a", 1), NODES.arrayNode(),
            NODES.objectNode());

    @Test
    void everyValueReplacedByEveryWrongType() {
        int cases = 0;
        for (String golden : List.of("generate-request-basic.json", "generate-request-tools.json",
                "generate-request-image.json", "generate-request-snake-case.json")) {
            ObjectNode root = Golden.json("gemini/" + golden);
            List<List<Object>> paths = new ArrayList<>();
            collect(root, new ArrayList<>(), paths);
            for (List<Object> path : paths) {
                for (JsonNode wrong : WRONG) {
                    ObjectNode copy = root.deepCopy();
                    replace(copy, path, wrong);
                    check(Golden.write(copy), golden + " " + path + " = " + wrong);
                    cases++;
                }
            }
        }
        assertEquals(true, cases > 500, "cases: " + cases);
    }

    @Test
    void structuralGarbage() {
        StringBuilder deep = new StringBuilder("{\"contents\":");
        deep.append("[".repeat(300)).append("]".repeat(300)).append('}');
        for (String body : List.of("", "null", "[]", "42", "\"contents\"", "{", "{\"contents\":{}}", "{\"contents\":[1]}",
                "{\"contents\":[{\"parts\":\"hi\"}]}", "{\"contents\":[{\"parts\":[{}]}]}", deep.toString(),
                "{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"tools\":[{\"functionDeclarations\":[{}]}]}",
                "{\"contents\":[{\"parts\":[{\"functionResponse\":{\"name\":\"f\",\"response\":[1]}}]}]}")) {
            check(body.getBytes(StandardCharsets.UTF_8), body.length() > 60 ? body.substring(0, 60) : body);
        }
        check(new byte[]{'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, "invalid UTF-8");
    }

    private static void check(byte[] body, String label) {
        ChatRequest request;
        try {
            request = GeminiRequests.toCanonical(body, "m", false);
        } catch (GatewayError e) {
            assertEquals(ErrorKind.INVALID_REQUEST, e.kind(), label);
            return;
        } catch (RuntimeException e) {
            fail(label + ": " + e, e);
            return;
        }
        try {
            GeminiRequests.untranslatable(request);
            OpenAiChatRequests.toWire(new ChatRequest(request.model(), request.messages(), request.tools(),
                    request.toolChoice(), null, request.maxTokens(), request.temperature(), request.topP(), request.stop(),
                    request.responseFormat(), request.reasoning(), false, false, null, Map.of(), null), "m");
            GeminiRequests.toWire(new ChatRequest(request.model(), request.messages(), request.tools(), request.toolChoice(),
                    null, request.maxTokens(), request.temperature(), request.topP(), request.stop(),
                    request.responseFormat(), request.reasoning(), false, false, null, Map.of(),
                    new ChatRequest.SourceBody(WireFormat.OPENAI_CHAT, null)), "m");
        } catch (GatewayError e) {
            assertEquals(ErrorKind.INVALID_REQUEST, e.kind(), label);
        } catch (RuntimeException e) {
            fail(label + " (translating): " + e, e);
        }
    }

    private static void collect(JsonNode node, List<Object> path, List<List<Object>> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                List<Object> p = new ArrayList<>(path);
                p.add(f.getKey());
                out.add(p);
                collect(f.getValue(), p, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> p = new ArrayList<>(path);
                p.add(i);
                out.add(p);
                collect(node.get(i), p, out);
            }
        }
    }

    private static void replace(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object step = path.get(i);
            parent = step instanceof String s ? parent.get(s) : parent.get((Integer) step);
        }
        Object last = path.get(path.size() - 1);
        if (last instanceof String s) {
            ((ObjectNode) parent).set(s, value);
        } else {
            ((ArrayNode) parent).set((Integer) last, value);
        }
    }
}
