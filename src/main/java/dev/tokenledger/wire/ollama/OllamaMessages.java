package dev.tokenledger.wire.ollama;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ToolArguments;

import static dev.tokenledger.wire.JsonFields.optionalArray;
import static dev.tokenledger.wire.JsonFields.text;

/**
 * One Ollama chat message and the canonical message. Ollama's differences: content is one string with images beside
 * it as a base64 array, tool-call arguments are a JSON object (the canonical text is parsed or written exactly once),
 * older versions give calls no ids, and a tool result names its tool ({@code tool_name}) instead of a call id.
 */
final class OllamaMessages {

    /** The family of reasoning Ollama returns; it carries no signature, so any upstream may receive it. */
    static final String FAMILY = "ollama";

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");
    /** The base64 of the first bytes of each image format Ollama's models read, and its media type. */
    private static final Map<String, String> MAGIC_NUMBERS = Map.of("iVBORw0KGgo", "image/png", "/9j/", "image/jpeg",
            "R0lGOD", "image/gif", "UklGR", "image/webp");

    private OllamaMessages() {
    }

    // ---- Ollama -> canonical ----

    /**
     * @param earlier the messages before this one, already mapped, to give a tool result the id of the call it answers
     */
    static Message toCanonical(JsonNode node, int index, List<Message> earlier) {
        String path = "messages[" + index + "]";
        if (node == null || !node.isObject()) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected an object.");
        }
        String role = text(node, "role");
        if (role == null || !ROLES.contains(role)) {
            throw GatewayError.invalid(path + ".role", "Invalid value for '" + path
                    + ".role': expected 'system', 'user', 'assistant' or 'tool'.");
        }
        JsonNode contentNode = node.get("content");
        if (contentNode != null && !contentNode.isNull() && !contentNode.isTextual()) {
            throw GatewayError.invalid(path + ".content", "Invalid type for '" + path + ".content': expected a string.");
        }
        List<ContentPart> content = new ArrayList<>();
        String thinking = text(node, "thinking");
        if (thinking != null && !thinking.isEmpty()) {
            content.add(new ContentPart.Reasoning(thinking, null, null, FAMILY));
        }
        if (contentNode != null && contentNode.isTextual() && !contentNode.asText().isEmpty()) {
            content.add(new ContentPart.Text(contentNode.asText()));
        }
        JsonNode images = optionalArray(node, "images", path + ".images");
        if (images != null) {
            for (int i = 0; i < images.size(); i++) {
                if (!images.get(i).isTextual()) {
                    throw GatewayError.invalid(path + ".images[" + i + "]",
                            "Invalid type for '" + path + ".images[" + i + "]': expected a base64 string.");
                }
                String data = images.get(i).asText();
                content.add(new ContentPart.Image(null, mediaType(data), data, null));
            }
        }
        List<ToolCall> calls = toolCalls(optionalArray(node, "tool_calls", path + ".tool_calls"), path, index);
        String toolCallId = null;
        String toolName = text(node, "tool_name");
        if ("tool".equals(role)) {
            toolCallId = text(node, "tool_call_id");
            if (toolCallId == null) {
                toolCallId = answeredCall(toolName, earlier);
            }
        }
        return new Message(role, content, calls, toolCallId, "tool".equals(role) ? toolName : null);
    }

    private static List<ToolCall> toolCalls(JsonNode node, String path, int index) {
        if (node == null) {
            return List.of();
        }
        List<ToolCall> calls = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode fn = node.get(i).path("function");
            String name = fn.isObject() ? text(fn, "name") : null;
            if (name == null) {
                throw GatewayError.invalid(path + ".tool_calls[" + i + "].function.name",
                        "Missing required parameter: '" + path + ".tool_calls[" + i + "].function.name'.");
            }
            String id = text(node.get(i), "id");
            calls.add(new ToolCall(id != null ? id : "call_" + index + "_" + i, name, argumentsText(fn.get("arguments"))));
        }
        return calls;
    }

    /** Arguments as the canonical JSON text: an object is written once, a string (some servers send one) is kept. */
    static String argumentsText(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "{}";
        }
        if (arguments.isTextual()) {
            return arguments.asText().isBlank() ? "{}" : arguments.asText();
        }
        return new String(Json.write(arguments), StandardCharsets.UTF_8);
    }

    /**
     * The id of the call a tool result answers: the earliest call of that tool in the latest assistant turn that no
     * earlier result answered. Null when there is none.
     */
    private static String answeredCall(String toolName, List<Message> earlier) {
        Set<String> answered = new HashSet<>();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            Message m = earlier.get(i);
            if ("tool".equals(m.role()) && m.toolCallId() != null) {
                answered.add(m.toolCallId());
            } else if ("assistant".equals(m.role()) && !m.toolCalls().isEmpty()) {
                for (ToolCall call : m.toolCalls()) {
                    if (call.name().equals(toolName) && !answered.contains(call.id())) {
                        return call.id();
                    }
                }
                return null;
            }
        }
        return null;
    }

    /** The media type of base64 image data, told by its first bytes; Ollama itself never says. */
    static String mediaType(String base64) {
        return MAGIC_NUMBERS.entrySet().stream().filter(magic -> base64.startsWith(magic.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse("application/octet-stream");
    }

    // ---- canonical -> Ollama ----

    static ObjectNode toWire(List<Message> all, int index) {
        Message m = all.get(index);
        String path = "messages[" + index + "]";
        ObjectNode node = Json.NODES.objectNode();
        node.put("role", "developer".equals(m.role()) ? "system" : m.role());
        node.put("content", m.text());
        StringBuilder thinking = new StringBuilder();
        ArrayNode images = null;
        for (int i = 0; i < m.content().size(); i++) {
            ContentPart part = m.content().get(i);
            if (part instanceof ContentPart.Image img) {
                if (img.base64Data() == null) {
                    throw GatewayError.invalid(path + ".content[" + i + "]", "Ollama needs image data, and the gateway "
                            + "does not fetch image URLs: send the image in '" + path + ".content[" + i
                            + "]' as base64 (a data: URL).");
                }
                images = images == null ? Json.NODES.arrayNode() : images;
                images.add(img.base64Data());
            } else if (part instanceof ContentPart.Reasoning r && r.text() != null && r.representableIn(FAMILY)) {
                thinking.append(r.text());
            }
        }
        if (!thinking.isEmpty() && "assistant".equals(m.role())) {
            node.put("thinking", thinking.toString());
        }
        if (images != null) {
            node.set("images", images);
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (int i = 0; i < m.toolCalls().size(); i++) {
                ToolCall call = m.toolCalls().get(i);
                ObjectNode fn = calls.addObject().putObject("function");
                fn.put("name", call.name());
                fn.set("arguments", argumentsObject(call.arguments(), path + ".tool_calls[" + i + "].function.arguments"));
            }
        }
        if ("tool".equals(m.role())) {
            node.put("tool_name", toolName(all, index, path));
        }
        return node;
    }

    /** Canonical arguments text as the object Ollama wants, parsed exactly once; an empty text is {@code {}}. */
    static ObjectNode argumentsObject(String arguments, String path) {
        return ToolArguments.toObject(arguments, () -> GatewayError.invalid(path,
                "Invalid value for '" + path + "': Ollama needs the arguments as a JSON object."));
    }

    /** The tool a result answers: the name of the earlier call with its id, else the name the result carries. */
    private static String toolName(List<Message> all, int index, String path) {
        String id = all.get(index).toolCallId();
        for (int i = index - 1; i >= 0 && id != null; i--) {
            for (ToolCall call : all.get(i).toolCalls()) {
                if (id.equals(call.id())) {
                    return call.name();
                }
            }
        }
        if (all.get(index).name() != null) {
            return all.get(index).name();
        }
        throw GatewayError.invalid(path + ".tool_call_id", "Invalid value for '" + path + ".tool_call_id': no earlier "
                + "assistant tool call has the id '" + id + "', and Ollama needs the tool's name.");
    }
}
