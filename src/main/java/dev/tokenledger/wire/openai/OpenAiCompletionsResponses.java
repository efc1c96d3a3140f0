package dev.tokenledger.wire.openai;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.JsonFields;

/**
 * Pure mapping of {@code text_completion} answers to and from the canonical response. The usage object is the same as
 * chat's; finish reasons are {@code stop}, {@code length} and {@code content_filter} (a tool call cannot occur).
 */
public final class OpenAiCompletionsResponses {

    private OpenAiCompletionsResponses() {
    }

    public static ChatResponse toCanonical(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !root.path("choices").isArray()) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream answered with a malformed completion.",
                    "upstream_malformed_response");
        }
        List<ChatResponse.Choice> choices = new java.util.ArrayList<>();
        for (JsonNode choice : root.get("choices")) {
            String text = choice.path("text").asText("");
            choices.add(new ChatResponse.Choice(choice.path("index").asInt(choices.size()),
                    new Message("assistant", List.of(new ContentPart.Text(text)), List.of(), null, null),
                    JsonFields.text(choice, "finish_reason")));
        }
        return new ChatResponse(JsonFields.text(root, "id"), JsonFields.text(root, "model"), root.path("created").asLong(0),
                choices, OpenAiUsage.read(root.get("usage")), null);
    }

    public static byte[] toWire(ChatResponse response) {
        ObjectNode root = head(response.id(), response.created(), response.model());
        var choices = root.putArray("choices");
        for (ChatResponse.Choice choice : response.choices()) {
            choices.add(choice(choice.index(), choice.message().text(), finishReason(choice.finishReason())));
        }
        if (response.usage() != null) {
            root.set("usage", OpenAiUsage.write(response.usage()));
        }
        return Json.write(root);
    }

    /** The fields every answer and stream chunk starts with. */
    static ObjectNode head(String id, long created, String model) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("id", completionId(id)).put("object", "text_completion").put("created", created);
        return root.put("model", model == null ? "" : model);
    }

    static ObjectNode choice(int index, String text, String finishReason) {
        ObjectNode choice = Json.NODES.objectNode().put("text", text).put("index", index);
        choice.putNull("logprobs");
        return choice.put("finish_reason", finishReason);
    }

    /** Canonical to legacy: a tool call cannot be asked for, so anything but length and content_filter is stop. */
    static String finishReason(String reason) {
        return "length".equals(reason) || "content_filter".equals(reason) ? reason : "stop";
    }

    static String completionId(String id) {
        if (id == null || id.isEmpty()) {
            return "cmpl-tokenledger";
        }
        return id.startsWith("cmpl-") ? id : "cmpl-" + id;
    }

    public static Usage usage(byte[] body) {
        return OpenAiUsage.read(Json.topLevelField(body, "usage"));
    }
}
