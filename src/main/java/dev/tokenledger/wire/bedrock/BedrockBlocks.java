package dev.tokenledger.wire.bedrock;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ToolArguments;

/**
 * Converse {@code ContentBlock}s to and from canonical parts: {@code text}, {@code image} (bytes only: the gateway does
 * not fetch image URLs for an upstream), {@code toolUse}, {@code toolResult}, {@code reasoningContent} (text with its
 * signature, or redacted content) and {@code cachePoint}.
 */
public final class BedrockBlocks {

    /**
     * The reasoning family of Converse reasoning blocks. Signed reasoning on Bedrock comes from Anthropic's models and
     * travels back in an Anthropic client's {@code thinking} blocks, so it is kept as the Anthropic family.
     */
    static final String FAMILY = "anthropic";

    private static final List<String> IMAGE_FORMATS = List.of("png", "jpeg", "gif", "webp");

    private BedrockBlocks() {
    }

    /** Text, image and (same-family) reasoning parts as blocks. */
    static void partsToWire(List<ContentPart> parts, String path, ArrayNode out) {
        for (int i = 0; i < parts.size(); i++) {
            ContentPart part = parts.get(i);
            if (part instanceof ContentPart.Text t) {
                if (!t.text().isEmpty()) {
                    out.addObject().put("text", t.text());
                }
            } else if (part instanceof ContentPart.Image img) {
                out.add(imageToWire(img, path + "[" + i + "]"));
            } else if (part instanceof ContentPart.Reasoning r && r.representableIn(FAMILY)) {
                out.add(reasoningToWire(r));
            }
        }
    }

    public static ObjectNode imageToWire(ContentPart.Image img, String path) {
        if (img.base64Data() == null) {
            throw GatewayError.invalid(path, "An image URL cannot be sent to a Bedrock upstream, which takes image "
                    + "bytes only ('" + path + "'); send the image inline (base64).");
        }
        String media = img.mediaType() == null ? "" : img.mediaType().toLowerCase(Locale.ROOT);
        String format = media.startsWith("image/") ? media.substring("image/".length()) : media;
        if ("jpg".equals(format)) {
            format = "jpeg";
        }
        if (!IMAGE_FORMATS.contains(format)) {
            throw GatewayError.invalid(path, "Image type '" + img.mediaType() + "' is not accepted by Bedrock ('" + path
                    + "'); use image/png, image/jpeg, image/gif or image/webp.");
        }
        ObjectNode block = Json.NODES.objectNode();
        ObjectNode image = block.putObject("image").put("format", format);
        image.putObject("source").put("bytes", img.base64Data());
        return block;
    }

    static ObjectNode reasoningToWire(ContentPart.Reasoning r) {
        ObjectNode block = Json.NODES.objectNode();
        ObjectNode content = block.putObject("reasoningContent");
        if (r.redactedData() != null) {
            content.put("redactedContent", r.redactedData());
        } else {
            ObjectNode text = content.putObject("reasoningText").put("text", r.text() == null ? "" : r.text());
            if (r.signature() != null) {
                text.put("signature", r.signature());
            }
        }
        return block;
    }

    public static ObjectNode toolUseToWire(ToolCall call, String path) {
        JsonNode input = ToolArguments.toObject(call.arguments(), () -> GatewayError.invalid(path + ".function.arguments",
                "Tool call arguments must be a JSON object for a Bedrock upstream ('" + path + ".function.arguments')."));
        ObjectNode block = Json.NODES.objectNode();
        block.putObject("toolUse").put("toolUseId", call.id()).put("name", call.name()).set("input", input);
        return block;
    }

    public static ObjectNode toolResultToWire(Message tool, String path) {
        if (tool.toolCallId() == null) {
            throw GatewayError.invalid(path + ".tool_call_id", "Missing required parameter: '" + path + ".tool_call_id'.");
        }
        ObjectNode block = Json.NODES.objectNode();
        ObjectNode result = block.putObject("toolResult").put("toolUseId", tool.toolCallId());
        ArrayNode content = result.putArray("content");
        for (int i = 0; i < tool.content().size(); i++) {
            ContentPart part = tool.content().get(i);
            if (part instanceof ContentPart.Image img) {
                content.add(imageToWire(img, path + ".content[" + i + "]"));
            } else if (part instanceof ContentPart.Text t) {
                content.addObject().put("text", t.text());
            }
        }
        if (content.isEmpty()) {
            content.addObject().put("text", "");
        }
        result.put("status", "success");
        return block;
    }

    /** A cache point block. */
    static ObjectNode cachePoint(String ttl) {
        ObjectNode block = Json.NODES.objectNode();
        ObjectNode point = block.putObject("cachePoint").put("type", "default");
        if (ttl != null && !ttl.isEmpty()) {
            point.put("ttl", ttl);
        }
        return block;
    }

    /** An answer's content blocks to the canonical assistant message. */
    static Message assistantToCanonical(JsonNode content) {
        List<ContentPart> parts = new java.util.ArrayList<>();
        List<ToolCall> calls = new java.util.ArrayList<>();
        StringBuilder text = null;
        for (JsonNode block : content) {
            if (block.has("text")) {
                if (text == null) {
                    text = new StringBuilder();
                    parts.add(null); // the text's place among the parts
                }
                text.append(block.path("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                JsonNode input = use.path("input");
                calls.add(new ToolCall(use.path("toolUseId").asText(), use.path("name").asText(),
                        input.isMissingNode() || input.isNull() ? "{}" : input.toString()));
            } else if (block.has("reasoningContent")) {
                parts.add(reasoningToCanonical(block.get("reasoningContent")));
            }
        }
        if (text != null) {
            parts.set(parts.indexOf(null), new ContentPart.Text(text.toString()));
        }
        return new Message("assistant", parts, calls, null, null);
    }

    private static ContentPart.Reasoning reasoningToCanonical(JsonNode reasoning) {
        if (reasoning.hasNonNull("redactedContent")) {
            return new ContentPart.Reasoning(null, null, reasoning.get("redactedContent").asText(), FAMILY);
        }
        JsonNode text = reasoning.path("reasoningText");
        return new ContentPart.Reasoning(text.path("text").asText(""),
                text.hasNonNull("signature") ? text.get("signature").asText() : null, null, FAMILY);
    }
}
