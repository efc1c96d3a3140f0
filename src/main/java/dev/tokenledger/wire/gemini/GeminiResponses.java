package dev.tokenledger.wire.gemini;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/** Pure mapping of Gemini {@code GenerateContentResponse} answers to and from the canonical response. */
public final class GeminiResponses {

    private GeminiResponses() {
    }

    public static ChatResponse toCanonical(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null) {
            throw malformed("not a JSON object");
        }
        try {
            return read(root);
        } catch (GatewayError e) {
            // the part validation is the request's; in an answer a bad part is the upstream's fault
            throw malformed(e.getMessage());
        }
    }

    private static GatewayError malformed(String detail) {
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                "The upstream answered with a malformed Gemini response: " + detail, "upstream_malformed_response");
    }

    private static ChatResponse read(ObjectNode root) {
        String id = root.path("responseId").asText(null);
        List<ChatResponse.Choice> choices = new ArrayList<>();
        JsonNode candidates = root.path("candidates");
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode candidate = candidates.get(i);
            int index = candidate.path("index").asInt(i);
            JsonNode content = candidate.path("content");
            GeminiContents.Parts parts = content.isObject()
                    ? GeminiContents.parts(content, "candidates[" + i + "].content", id == null ? "response" : id, Map.of())
                    : new GeminiContents.Parts(List.of(), List.of(), List.of());
            Message message = new Message("assistant", parts.content(), parts.calls(), null, null);
            choices.add(new ChatResponse.Choice(index, message,
                    finishToCanonical(candidate.path("finishReason").asText(null), !parts.calls().isEmpty())));
        }
        if (choices.isEmpty() && root.path("promptFeedback").has("blockReason")) {
            choices.add(new ChatResponse.Choice(0, new Message("assistant", List.of(), List.of(), null, null),
                    "content_filter"));
        }
        return new ChatResponse(id, root.path("modelVersion").asText(null), System.currentTimeMillis() / 1000, choices,
                GeminiUsage.read(root.get("usageMetadata")), Map.of());
    }

    /**
     * The canonical finish reason of a Gemini {@code finishReason}: a candidate with function calls ends in
     * {@code tool_calls} whatever Gemini says; unknown reasons end normally.
     */
    static String finishToCanonical(String reason, boolean calls) {
        if (reason == null) {
            return calls ? "tool_calls" : null;
        }
        if (calls) {
            return "tool_calls";
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                    "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "IMAGE_OTHER" ->
                "content_filter";
            default -> "stop";
        };
    }

    static String finishToWire(String reason) {
        if (reason == null) {
            return "STOP";
        }
        return switch (reason) {
            case "length" -> "MAX_TOKENS";
            case "content_filter" -> "SAFETY";
            default -> "STOP";
        };
    }

    public static byte[] toWire(ChatResponse response) {
        ObjectNode root = Json.NODES.objectNode();
        ArrayNode candidates = root.putArray("candidates");
        for (ChatResponse.Choice choice : response.choices()) {
            ObjectNode candidate = candidates.addObject();
            ObjectNode content = candidate.putObject("content");
            content.set("parts", GeminiContents.partsToWire(choice.message(), "choices[" + choice.index() + "]"));
            content.put("role", "model");
            candidate.put("finishReason", finishToWire(choice.finishReason()));
            candidate.put("index", choice.index());
        }
        if (response.usage() != null) {
            root.set("usageMetadata", GeminiUsage.write(response.usage()));
        }
        if (response.model() != null) {
            root.put("modelVersion", response.model());
        }
        if (response.id() != null) {
            root.put("responseId", response.id());
        }
        return Json.write(root);
    }

    /** Reads only the usage of an answer, streaming past everything else; null when absent. */
    public static Usage usage(byte[] body) {
        return GeminiUsage.read(Json.topLevelField(body, "usageMetadata"));
    }
}
