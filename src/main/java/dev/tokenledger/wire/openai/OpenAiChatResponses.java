package dev.tokenledger.wire.openai;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/** Pure mapping of OpenAI {@code chat.completion} answers to and from the canonical response. */
public final class OpenAiChatResponses {

    private static final Set<String> KNOWN = Set.of("id", "object", "created", "model", "choices", "usage");

    private OpenAiChatResponses() {
    }

    public static ChatResponse toCanonical(byte[] body) {
        try {
            return read(body);
        } catch (GatewayError e) {
            // the message validation is the request's; in an answer a bad message is the upstream's fault
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    "The upstream answered with a malformed chat completion: " + e.getMessage(), "upstream_malformed_response");
        }
    }

    private static ChatResponse read(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !root.path("choices").isArray()) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream answered with a malformed chat completion.",
                    "upstream_malformed_response");
        }
        List<ChatResponse.Choice> choices = new ArrayList<>();
        for (JsonNode choice : root.get("choices")) {
            JsonNode message = choice.path("message");
            Message m = message.isObject()
                    ? OpenAiChatRequests.message(message, "choices.message")
                    : new Message("assistant", List.of(), List.of(), null, null);
            choices.add(new ChatResponse.Choice(choice.path("index").asInt(choices.size()), m,
                    dev.tokenledger.wire.JsonFields.text(choice, "finish_reason")));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN.contains(field.getKey())) {
                extra.put(field.getKey(), Json.toValue(field.getValue()));
            }
        }
        return new ChatResponse(dev.tokenledger.wire.JsonFields.text(root, "id"),
                dev.tokenledger.wire.JsonFields.text(root, "model"),
                root.path("created").asLong(0), choices, OpenAiUsage.read(root.get("usage"), root.get("service_tier")), extra);
    }

    public static byte[] toWire(ChatResponse response) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("id", response.id());
        root.put("object", "chat.completion");
        root.put("created", response.created());
        root.put("model", response.model());
        ArrayNode choices = root.putArray("choices");
        for (ChatResponse.Choice choice : response.choices()) {
            ObjectNode c = choices.addObject();
            c.put("index", choice.index());
            ObjectNode message = OpenAiChatRequests.messageToWire(choice.message());
            StringBuilder reasoning = new StringBuilder();
            for (ContentPart part : choice.message().content()) {
                if (part instanceof ContentPart.Reasoning r && r.text() != null) {
                    reasoning.append(r.text());
                }
            }
            if (!reasoning.isEmpty()) {
                // OpenAI-compatible servers (DeepSeek, vLLM, Ollama /v1) name the model's reasoning this way
                message.put("reasoning_content", reasoning.toString());
            }
            c.set("message", message);
            c.putNull("logprobs");
            c.put("finish_reason", choice.finishReason());
        }
        if (response.usage() != null) {
            root.set("usage", OpenAiUsage.write(response.usage()));
        }
        response.extra().forEach((k, v) -> root.set(k, Json.toNode(v)));
        return Json.write(root);
    }

    /**
     * Reads only the usage of an answer, streaming past everything else (no tree of the whole answer is built); null
     * when absent or the body is not a JSON object.
     */
    public static Usage usage(byte[] body) {
        JsonNode[] fields = Json.topLevelFields(body, "usage", "service_tier");
        Usage usage = OpenAiUsage.read(fields[0]);
        return usage == null ? null : usage.withReportedTier(OpenAiUsage.tier(fields[1]));
    }
}
