package dev.tokenledger.wire.anthropic;

import java.util.ArrayList;
import java.util.List;
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

import static dev.tokenledger.wire.JsonFields.requiredString;
import static dev.tokenledger.wire.JsonFields.text;

/** Content blocks of Anthropic messages to and from canonical parts, tool calls and tool results. */
final class AnthropicBlocks {

    /** The reasoning family of Anthropic's thinking blocks and signatures. */
    static final String FAMILY = "anthropic";
    static final Set<String> MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private AnthropicBlocks() {
    }

    static ContentPart.Image imageToCanonical(JsonNode block, String path) {
        JsonNode source = block.get("source");
        String type = source == null || !source.isObject() ? null : text(source, "type");
        if ("base64".equals(type)) {
            return new ContentPart.Image(null, requiredString((ObjectNode) source, "media_type", path + ".source.media_type"),
                    requiredString((ObjectNode) source, "data", path + ".source.data"), null);
        }
        if ("url".equals(type)) {
            return new ContentPart.Image(requiredString((ObjectNode) source, "url", path + ".source.url"), null, null, null);
        }
        throw GatewayError.invalid(path + ".source", path + ".source: expected a 'base64' or 'url' image source");
    }

    static ObjectNode imageToWire(ContentPart.Image image, String path) {
        ObjectNode block = Json.NODES.objectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (image.url() != null) {
            source.put("type", "url").put("url", image.url());
            return block;
        }
        if (!MEDIA_TYPES.contains(image.mediaType())) {
            throw GatewayError.invalid(path, "Image media type '" + image.mediaType() + "' in '" + path
                    + "' is not supported by Anthropic; use image/jpeg, image/png, image/gif or image/webp.");
        }
        source.put("type", "base64").put("media_type", image.mediaType()).put("data", image.base64Data());
        return block;
    }

    static ToolCall toolUseToCanonical(JsonNode block, String path) {
        ObjectNode node = (ObjectNode) block;
        String id = requiredString(node, "id", path + ".id");
        String name = requiredString(node, "name", path + ".name");
        JsonNode input = block.get("input");
        if (input == null || !input.isObject()) {
            throw GatewayError.invalid(path + ".input", path + ".input: Input should be a valid dictionary");
        }
        return new ToolCall(id, name, new String(Json.write(input), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A canonical tool call's JSON arguments text as the {@code input} object; an empty text is {@code {}}. */
    static ObjectNode toolUseToWire(ToolCall call, String path) {
        ObjectNode block = Json.NODES.objectNode().put("type", "tool_use").put("id", call.id()).put("name", call.name());
        block.set("input", ToolArguments.toObject(call.arguments(), () -> GatewayError.invalid(path + ".arguments",
                "The arguments of tool call '" + call.id() + "' in '" + path
                        + "' are not a JSON object; Anthropic needs the tool input as an object.")));
        return block;
    }

    /** A {@code tool_result} block as a canonical {@code tool} message. */
    static Message toolResultToCanonical(JsonNode block, String path) {
        String id = requiredString((ObjectNode) block, "tool_use_id", path + ".tool_use_id");
        JsonNode content = block.get("content");
        List<ContentPart> parts = new ArrayList<>();
        if (content != null && content.isTextual()) {
            parts.add(new ContentPart.Text(content.asText()));
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                JsonNode inner = content.get(i);
                String type = inner.isObject() ? text(inner, "type") : null;
                String innerPath = path + ".content." + i;
                if (type == null) {
                    throw GatewayError.invalid(innerPath, innerPath + ": expected a content block with a 'type'");
                } else if ("text".equals(type)) {
                    parts.add(new ContentPart.Text(requiredString((ObjectNode) inner, "text", innerPath + ".text")));
                } else if ("image".equals(type)) {
                    parts.add(imageToCanonical(inner, innerPath));
                }
                // documents and search results have no canonical form: an Anthropic upstream still receives them
                // from the source body, and AnthropicTranslatable refuses them for any other
            }
        } else if (content != null && !content.isNull()) {
            throw GatewayError.invalid(path + ".content", path + ".content: Input should be a valid string or list");
        }
        return new Message("tool", parts, List.of(), id, null);
    }

    static ObjectNode toolResultToWire(Message tool, String path) {
        ObjectNode block = Json.NODES.objectNode().put("type", "tool_result").put("tool_use_id", tool.toolCallId());
        if (tool.toolCallId() == null) {
            throw GatewayError.invalid(path + ".tool_call_id", "Missing required parameter: '" + path + ".tool_call_id'.");
        }
        boolean onlyText = tool.content().stream().allMatch(p -> p instanceof ContentPart.Text);
        if (onlyText) {
            block.put("content", tool.text());
        } else {
            block.set("content", partsToWire(tool.content(), path + ".content"));
        }
        return block;
    }

    /** Text and image parts as blocks; reasoning of this family as thinking blocks, of other families dropped. */
    static ArrayNode partsToWire(List<ContentPart> parts, String path) {
        ArrayNode blocks = Json.NODES.arrayNode();
        for (int i = 0; i < parts.size(); i++) {
            ContentPart part = parts.get(i);
            if (part instanceof ContentPart.Text t) {
                blocks.addObject().put("type", "text").put("text", t.text());
            } else if (part instanceof ContentPart.Image img) {
                blocks.add(imageToWire(img, path + "[" + i + "]"));
            } else if (part instanceof ContentPart.Reasoning r && FAMILY.equals(r.family())) {
                blocks.add(reasoningToWire(r));
            }
        }
        return blocks;
    }

    /** A thinking or redacted_thinking block, exactly as the model produced it. */
    static ObjectNode reasoningToWire(ContentPart.Reasoning r) {
        if (r.redactedData() != null) {
            return Json.NODES.objectNode().put("type", "redacted_thinking").put("data", r.redactedData());
        }
        ObjectNode block = Json.NODES.objectNode().put("type", "thinking");
        block.put("thinking", r.text() == null ? "" : r.text());
        block.put("signature", r.signature() == null ? "" : r.signature());
        return block;
    }
}
