package dev.tokenledger.wire.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.json.Json;

/**
 * Pure mapping of {@code text_completion} answers from the canonical response (clients only: no upstream answers in it). The usage object is the same as
 * chat's; finish reasons are {@code stop}, {@code length} and {@code content_filter} (a tool call cannot occur).
 */
public final class OpenAiCompletionsResponses {

    private OpenAiCompletionsResponses() {
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
}
