package dev.tokenledger.wire.ollama;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Pure mapping of Ollama's complete {@code /api/chat} answers ({@code stream: false}) to and from the canonical
 * response. Ollama gives an answer no id: the canonical id is made from its creation time. Tool calls without ids get
 * {@code call_<n>}, their position in the answer.
 */
public final class OllamaChatResponses {

    private OllamaChatResponses() {
    }

    public static ChatResponse toCanonical(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !root.path("message").isObject()) {
            throw malformed("The upstream answered with a malformed Ollama chat response.");
        }
        Message message;
        try {
            message = message(root.get("message"), 0);
        } catch (GatewayError e) {
            throw malformed("The upstream answered with a malformed Ollama chat response: " + e.getMessage());
        }
        long created = created(text(root, "created_at"));
        String finish = OllamaFinish.toCanonical(text(root, "done_reason"), !message.toolCalls().isEmpty());
        return new ChatResponse("chatcmpl-ollama-" + created, text(root, "model"), created / 1000,
                List.of(new ChatResponse.Choice(0, message, finish)), OllamaUsage.read(root), null);
    }

    /**
     * The assistant message of an answer or stream object.
     *
     * @param firstCall the position of its first tool call in the whole answer, for ids Ollama did not give
     */
    static Message message(JsonNode node, int firstCall) {
        List<ContentPart> content = new ArrayList<>();
        String thinking = text(node, "thinking");
        if (thinking != null && !thinking.isEmpty()) {
            content.add(new ContentPart.Reasoning(thinking, null, null, OllamaMessages.FAMILY));
        }
        String text = text(node, "content");
        if (text != null && !text.isEmpty()) {
            content.add(new ContentPart.Text(text));
        }
        return new Message("assistant", content, toolCalls(node.get("tool_calls"), firstCall), null, null);
    }

    static List<ToolCall> toolCalls(JsonNode calls, int firstCall) {
        if (calls == null || !calls.isArray()) {
            return List.of();
        }
        List<ToolCall> result = new ArrayList<>(calls.size());
        for (JsonNode call : calls) {
            JsonNode fn = call.path("function");
            String name = text(fn, "name");
            if (name == null) {
                throw malformed("The upstream sent a tool call without a function name.");
            }
            String id = text(call, "id");
            result.add(new ToolCall(id != null ? id : "call_" + (firstCall + result.size()), name,
                    OllamaMessages.argumentsText(fn.get("arguments"))));
        }
        return result;
    }

    /** Milliseconds since the epoch of Ollama's {@code created_at}, or 0 when it is absent or unreadable. */
    static long created(String createdAt) {
        if (createdAt == null) {
            return 0;
        }
        try {
            return OffsetDateTime.parse(createdAt).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    static String createdAt(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).toString();
    }

    static GatewayError malformed(String message) {
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, message, "upstream_malformed_response");
    }

    /** Canonical to the answer an Ollama client expects: the first choice, final ({@code done: true}) with its counts. */
    public static byte[] toWire(ChatResponse response) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("model", response.model());
        root.put("created_at", createdAt(response.created()));
        ChatResponse.Choice choice = response.choices().isEmpty() ? null : response.choices().get(0);
        Message message = choice == null ? new Message("assistant", List.of(), List.of(), null, null) : choice.message();
        root.set("message", OllamaMessages.toWire(List.of(message), 0));
        root.put("done_reason", OllamaFinish.toWire(choice == null ? null : choice.finishReason()));
        root.put("done", true);
        if (response.usage() != null) {
            OllamaUsage.write(response.usage(), root);
        }
        return Json.write(root);
    }

    /** Reads only the usage of an answer; null when it reports none or the body is not a JSON object. */
    public static Usage usage(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        return root == null ? null : OllamaUsage.read(root);
    }
}
