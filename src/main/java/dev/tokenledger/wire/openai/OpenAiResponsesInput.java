package dev.tokenledger.wire.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;

import static dev.tokenledger.wire.JsonFields.requiredString;
import static dev.tokenledger.wire.JsonFields.text;

/**
 * Pure mapping of the Responses API's {@code input} items to canonical messages. Consecutive assistant-side
 * items (reasoning, an assistant message, function calls) form one canonical assistant turn, as in chat.
 *
 * <p>
 * A {@code reasoning} item becomes a {@link ContentPart.Reasoning} of family {@code openai}: its summary (or reasoning
 * text) as text, its {@code encrypted_content} as redacted data and its item id as the signature, the handle OpenAI
 * checks the item by. Other families cannot read either and drop the part.
 */
final class OpenAiResponsesInput {

    static final String FAMILY = "openai";
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    private OpenAiResponsesInput() {
    }

    /**
     * @param strict whether items and parts the canonical model cannot carry are refused (else skipped: an upstream
     *        of this format receives them from the source body)
     */
    static List<Message> toCanonical(JsonNode input, boolean strict) {
        if (input == null || input.isNull()) {
            throw GatewayError.invalid("input", "Missing required parameter: 'input'.");
        }
        if (input.isTextual()) {
            return List.of(new Message("user", List.of(new ContentPart.Text(input.asText())), List.of(), null, null));
        }
        if (!input.isArray()) {
            throw GatewayError.invalid("input", "Invalid type for 'input': expected a string or an array of items.");
        }
        List<Turn> turns = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", strict, turns);
        }
        return turns.stream().map(t -> new Message(t.role, t.content, t.calls, t.toolCallId, null)).toList();
    }

    /** A message while the items are read: consecutive assistant-side items add to one turn. */
    private static final class Turn {
        final String role;
        final List<ContentPart> content;
        final List<ToolCall> calls = new ArrayList<>();
        final String toolCallId;

        Turn(String role, List<ContentPart> content, String toolCallId) {
            this.role = role;
            this.content = content;
            this.toolCallId = toolCallId;
        }
    }

    private static void item(JsonNode item, String path, boolean strict, List<Turn> turns) {
        if (item == null || !item.isObject()) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected an object.");
        }
        String type = text(item, "type");
        if (type == null && item.has("role")) {
            type = "message";
        }
        if (type == null) {
            throw GatewayError.invalid(path + ".type", "Missing required parameter: '" + path + ".type'.");
        }
        ObjectNode node = (ObjectNode) item;
        switch (type) {
            case "message" -> message(node, path, strict, turns);
            case "function_call" -> assistantTurn(turns).calls.add(new ToolCall(
                    requiredString(node, "call_id", path + ".call_id"), OpenAiResponsesTools.canonicalName(
                            text(node, "namespace"), requiredString(node, "name", path + ".name")),
                    arguments(node, path)));
            case "custom_tool_call" -> assistantTurn(turns).calls.add(new ToolCall(
                    requiredString(node, "call_id", path + ".call_id"), requiredString(node, "name", path + ".name"),
                    OpenAiCustomTools.argumentsOf(requiredString(node, "input", path + ".input"))));
            case "tool_search_call" -> assistantTurn(turns).calls.add(new ToolCall(
                    requiredString(node, "call_id", path + ".call_id"), OpenAiResponsesTools.TOOL_SEARCH,
                    searchArguments(node.get("arguments"))));
            case "function_call_output", "custom_tool_call_output" -> turns.add(new Turn("tool",
                    output(node.get("output"), path + ".output", strict), requiredString(node, "call_id",
                            path + ".call_id")));
            case "tool_search_output" -> turns.add(new Turn("tool", List.of(new ContentPart.Text(
                    node.path("tools").toString())),
                    requiredString(node, "call_id", path + ".call_id")));
            case "reasoning" -> assistantTurn(turns).content.add(reasoningPart(node));
            case "additional_tools" -> {
                // tools, read with the request's tools (OpenAiResponsesTools)
            }
            case "item_reference" -> {
                if (strict) {
                    throw GatewayError.invalid(path, "'" + path
                            + "' refers to an item stored by OpenAI; this model's provider is not OpenAI, so send the "
                            + "item itself.");
                }
            }
            default -> {
                if (strict) {
                    throw GatewayError.invalid(path + ".type", "Input items of type '" + type + "' (" + path
                            + ") cannot be translated for this model's provider.");
                }
            }
        }
    }

    /** A tool search's arguments (an object, or already a JSON text) as function arguments. */
    private static String searchArguments(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "{}";
        }
        return arguments.isTextual() ? arguments.asText() : arguments.toString();
    }

    private static String arguments(ObjectNode node, String path) {
        JsonNode arguments = node.get("arguments");
        if (arguments == null || !arguments.isTextual()) {
            throw GatewayError.invalid(path + ".arguments", "Invalid type for '" + path + ".arguments': expected a string.");
        }
        return arguments.asText();
    }

    private static void message(ObjectNode node, String path, boolean strict, List<Turn> turns) {
        String role = requiredString(node, "role", path + ".role");
        if (!ROLES.contains(role)) {
            throw GatewayError.invalid(path + ".role", "Invalid value for '" + path + ".role': '" + role
                    + "'. Supported values are: 'user', 'assistant', 'system', 'developer'.");
        }
        List<ContentPart> content = content(node.get("content"), path + ".content", strict);
        if ("assistant".equals(role)) {
            assistantTurn(turns).content.addAll(content);
        } else {
            turns.add(new Turn(role, content, null));
        }
    }

    /** The assistant turn assistant-side items are added to: the last turn when it is one, else a new one. */
    private static Turn assistantTurn(List<Turn> turns) {
        if (!turns.isEmpty() && "assistant".equals(turns.get(turns.size() - 1).role)) {
            return turns.get(turns.size() - 1);
        }
        Turn turn = new Turn("assistant", new ArrayList<>(), null);
        turns.add(turn);
        return turn;
    }

    static ContentPart.Reasoning reasoningPart(ObjectNode node) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : node.path("summary")) {
            text.append(part.path("text").asText(""));
        }
        for (JsonNode part : node.path("content")) {
            text.append(part.path("text").asText(""));
        }
        return new ContentPart.Reasoning(text.isEmpty() ? null : text.toString(), text(node, "id"),
                text(node, "encrypted_content"), FAMILY);
    }

    private static List<ContentPart> output(JsonNode output, String path, boolean strict) {
        if (output == null || output.isNull()) {
            throw GatewayError.invalid(path, "Missing required parameter: '" + path + "'.");
        }
        return content(output, path, strict);
    }

    static List<ContentPart> content(JsonNode node, String path, boolean strict) {
        return OpenAiChatRequests.parts(node, path, (type, part, partPath, parts) -> {
            switch (type) {
                case "input_text", "output_text" -> parts
                        .add(new ContentPart.Text(requiredString(part, "text", partPath + ".text")));
                case "refusal" -> parts
                        .add(new ContentPart.Text(requiredString(part, "refusal", partPath + ".refusal")));
                case "input_image" -> {
                    if (strict || !part.hasNonNull("file_id")) {
                        parts.add(image(part, partPath));
                    }
                }
                default -> {
                    if (strict) {
                        throw GatewayError.invalid(partPath + ".type", "Content parts of type '" + type + "' ("
                                + partPath + ") cannot be translated for this model's provider.");
                    }
                }
            }
        });
    }

    private static ContentPart.Image image(ObjectNode part, String path) {
        String detail = text(part, "detail");
        if (part.hasNonNull("file_id")) {
            throw GatewayError.invalid(path + ".file_id", "'" + path
                    + ".file_id' refers to an OpenAI file that other providers cannot read; send 'image_url' instead.");
        }
        String url = requiredString(part, "image_url", path + ".image_url");
        return OpenAiImageUrls.toCanonical(url, detail, path + ".image_url");
    }
}
