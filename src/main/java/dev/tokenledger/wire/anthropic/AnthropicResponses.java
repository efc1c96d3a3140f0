package dev.tokenledger.wire.anthropic;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

import static dev.tokenledger.wire.JsonFields.text;

/** Pure mapping of Anthropic {@code message} answers to and from the canonical response. */
public final class AnthropicResponses {

    private AnthropicResponses() {
    }

    /**
     * An answer body to canonical.
     *
     * @param created the creation time to report (Anthropic answers carry none), in epoch seconds
     */
    public static ChatResponse toCanonical(byte[] body, long created) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !root.path("content").isArray()) {
            throw malformed("The upstream answered with a malformed message.");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        JsonNode content = root.get("content");
        try {
            for (int i = 0; i < content.size(); i++) {
                JsonNode block = content.get(i);
                String type = text(block, "type");
                if ("text".equals(type)) {
                    parts.add(new ContentPart.Text(block.path("text").asText("")));
                } else if ("thinking".equals(type)) {
                    parts.add(new ContentPart.Reasoning(text(block, "thinking"), text(block, "signature"), null,
                            AnthropicBlocks.FAMILY));
                } else if ("redacted_thinking".equals(type)) {
                    parts.add(new ContentPart.Reasoning(null, null, text(block, "data"), AnthropicBlocks.FAMILY));
                } else if ("tool_use".equals(type)) {
                    calls.add(AnthropicBlocks.toolUseToCanonical(block, "content." + i));
                }
            }
        } catch (GatewayError e) {
            throw malformed("The upstream answered with a malformed message: " + e.getMessage());
        }
        Message message = new Message("assistant", parts, calls, null, null);
        String finish = AnthropicStopReasons.toCanonical(text(root, "stop_reason"));
        return new ChatResponse(text(root, "id"), text(root, "model"), created,
                List.of(new ChatResponse.Choice(0, message, finish)), AnthropicUsage.read(root.get("usage")), null);
    }

    private static GatewayError malformed(String message) {
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, message, "upstream_malformed_response");
    }

    /**
     * The canonical response as an Anthropic {@code message}: the first choice only (Anthropic has one answer per
     * request); thinking of another provider family is dropped, since its signature would be rejected here.
     */
    public static byte[] toWire(ChatResponse response) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("id", response.id() != null ? response.id() : "msg_tokenledger");
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", response.model());
        ArrayNode content = root.putArray("content");
        String finish = null;
        boolean calledTools = false;
        if (!response.choices().isEmpty()) {
            ChatResponse.Choice choice = response.choices().get(0);
            finish = choice.finishReason();
            Message m = choice.message();
            content.addAll(AnthropicBlocks.partsToWire(m.content(), "choices[0].message.content"));
            for (ToolCall call : m.toolCalls()) {
                try {
                    content.add(AnthropicBlocks.toolUseToWire(call, "choices[0].message.tool_calls"));
                } catch (GatewayError e) {
                    throw malformed("The upstream answered with tool arguments that are not a JSON object.");
                }
            }
            calledTools = !m.toolCalls().isEmpty();
        }
        root.put("stop_reason", AnthropicStopReasons.toWire(finish, null, calledTools));
        root.putNull("stop_sequence");
        root.set("usage", AnthropicUsage.write(response.usage() != null ? response.usage() : Usage.NONE));
        return Json.write(root);
    }

    /** Reads only the usage of an answer (fast path); null when absent. */
    public static Usage usage(byte[] body) {
        return AnthropicUsage.read(Json.topLevelField(body, "usage"));
    }
}
