package dev.tokenledger.wire.openai;

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
import dev.tokenledger.wire.JsonFields;

/**
 * Pure mapping of Responses API answers ({@code object: "response"}) to and from the canonical response. Finish
 * reasons follow wire-formats.md §9: {@code completed} is {@code stop} (or {@code tool_calls} when the output has
 * function calls); {@code incomplete} with {@code max_output_tokens} is {@code length}, with {@code content_filter}
 * is {@code content_filter}.
 */
public final class OpenAiResponsesResponses {

    private OpenAiResponsesResponses() {
    }

    // ---- wire to canonical (an upstream's answer) ----

    public static ChatResponse toCanonical(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !"response".equals(JsonFields.text(root, "object")) || !root.path("output").isArray()) {
            throw malformed();
        }
        String status = JsonFields.text(root, "status");
        if ("failed".equals(status)) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    root.path("error").path("message").asText("The upstream response failed."), "upstream_error");
        }
        List<ContentPart> content = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode item : root.get("output")) {
            outputItem(item, content, calls);
        }
        String reason = finishReason(status, JsonFields.text(root.path("incomplete_details"), "reason"), !calls.isEmpty());
        Message message = new Message("assistant", content, calls, null, null);
        return new ChatResponse(JsonFields.text(root, "id"), JsonFields.text(root, "model"),
                root.path("created_at").asLong(0), List.of(new ChatResponse.Choice(0, message, reason)),
                usageOf(root), null);
    }

    private static void outputItem(JsonNode item, List<ContentPart> content, List<ToolCall> calls) {
        String type = JsonFields.text(item, "type");
        if ("message".equals(type)) {
            for (JsonNode part : item.path("content")) {
                String text = "refusal".equals(JsonFields.text(part, "type"))
                        ? JsonFields.text(part, "refusal")
                        : JsonFields.text(part, "text");
                if (text != null) {
                    content.add(new ContentPart.Text(text));
                }
            }
        } else if ("function_call".equals(type)) {
            String arguments = JsonFields.text(item, "arguments");
            calls.add(new ToolCall(JsonFields.text(item, "call_id"), JsonFields.text(item, "name"),
                    arguments == null || arguments.isEmpty() ? "{}" : arguments));
        } else if ("reasoning".equals(type)) {
            content.add(OpenAiResponsesInput.reasoningPart((ObjectNode) item));
        }
        // built-in tool calls (web_search_call, ...) only occur when the request asked for those tools
    }

    /** The canonical finish reason of a Responses status. */
    static String finishReason(String status, String incompleteReason, boolean toolCalls) {
        if ("incomplete".equals(status)) {
            return "content_filter".equals(incompleteReason) ? "content_filter" : "length";
        }
        return toolCalls ? "tool_calls" : "stop";
    }

    private static GatewayError malformed() {
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream answered with a malformed response.",
                "upstream_malformed_response");
    }

    /** Reads a {@code ResponseUsage}; null when absent. Input includes cached tokens, output includes reasoning. */
    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode in = usage.path("input_tokens_details");
        JsonNode out = usage.path("output_tokens_details");
        Usage.Detail detail = new Usage.Detail(0, in.path("audio_tokens").asLong(0), 0, in.path("image_tokens").asLong(0),
                0, 0, 0, out.path("audio_tokens").asLong(0), out.path("image_tokens").asLong(0), 0, null);
        return new Usage(usage.path("input_tokens").asLong(0), in.path("cached_tokens").asLong(0),
                in.path("cache_write_tokens").asLong(0), usage.path("output_tokens").asLong(0),
                out.path("reasoning_tokens").asLong(0), Usage.Source.PROVIDER, detail);
    }

    /** The usage of a response object with its {@code service_tier}; null when absent. */
    public static Usage usageOf(JsonNode response) {
        Usage usage = response == null ? null : usage(response.get("usage"));
        return usage == null ? null : usage.withReportedTier(OpenAiUsage.tier(response.get("service_tier")));
    }

    /** The usage of an answer body, read without building its tree; null when absent. */
    public static Usage usage(byte[] body) {
        Usage usage = usage(Json.topLevelField(body, "usage"));
        return usage == null ? null : usage.withReportedTier(OpenAiUsage.tier(Json.topLevelField(body, "service_tier")));
    }

    // ---- canonical to wire (the client's answer) ----

    public static byte[] toWire(ChatResponse response) {
        String id = responseId(response.id());
        ArrayNode output = Json.NODES.arrayNode();
        String reason = null;
        if (!response.choices().isEmpty()) {
            ChatResponse.Choice choice = response.choices().get(0);
            reason = choice.finishReason();
            outputItems(id, choice.message(), itemStatus(reason), output);
        }
        return Json.write(response(id, response.created(), response.model(), true, reason, output, response.usage()));
    }

    private static void outputItems(String id, Message message, String itemStatus, ArrayNode output) {
        for (ContentPart part : message.content()) {
            if (part instanceof ContentPart.Reasoning r) {
                output.add(reasoningItem(itemId("rs", id, output.size()), r));
            }
        }
        String text = message.text();
        if (message.content().stream().anyMatch(p -> p instanceof ContentPart.Text)) {
            output.add(messageItem(itemId("msg", id, output.size()), itemStatus, text));
        }
        for (int i = 0; i < message.toolCalls().size(); i++) {
            ToolCall call = message.toolCalls().get(i);
            output.add(functionCallItem(itemId("fc", id, output.size()), "completed",
                    call.id() != null ? call.id() : "call_" + i, call.name(), call.arguments()));
        }
    }

    /**
     * A reasoning item for a Responses client: the text as reasoning text; an OpenAI item keeps its id and encrypted
     * content, another family's signature is dropped (the client could only send it back to OpenAI, which rejects
     * it).
     */
    static ObjectNode reasoningItem(String id, ContentPart.Reasoning r) {
        boolean own = OpenAiResponsesInput.FAMILY.equals(r.family());
        ObjectNode item = Json.NODES.objectNode();
        item.put("id", own && r.signature() != null ? r.signature() : id).put("type", "reasoning");
        item.putArray("summary");
        if (r.text() != null) {
            item.putArray("content").addObject().put("type", "reasoning_text").put("text", r.text());
        }
        if (own && r.redactedData() != null) {
            item.put("encrypted_content", r.redactedData());
        }
        return item;
    }

    static ObjectNode messageItem(String id, String status, String text) {
        ObjectNode item = Json.NODES.objectNode();
        item.put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        item.putArray("content").add(outputText(text));
        return item;
    }

    static ObjectNode outputText(String text) {
        ObjectNode part = Json.NODES.objectNode().put("type", "output_text");
        part.putArray("annotations");
        part.putArray("logprobs");
        return part.put("text", text);
    }

    static ObjectNode functionCallItem(String id, String status, String callId, String name, String arguments) {
        return Json.NODES.objectNode().put("id", id).put("type", "function_call").put("status", status)
                .put("arguments", arguments == null ? "" : arguments).put("call_id", callId).put("name", name);
    }

    /**
     * The response object, also the payload of the stream's lifecycle events.
     *
     * @param done false while the response is in progress
     * @param reason the canonical finish reason, or null
     * @param usage the usage, or null
     */
    static ObjectNode response(String id, long createdAt, String model, boolean done, String reason, ArrayNode output,
            Usage usage) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("id", id).put("object", "response").put("created_at", createdAt);
        root.put("status", status(reason, done));
        root.putNull("error");
        if ("length".equals(reason) || "content_filter".equals(reason)) {
            root.putObject("incomplete_details").put("reason", "length".equals(reason) ? "max_output_tokens" : reason);
        } else {
            root.putNull("incomplete_details");
        }
        root.put("model", model == null ? "" : model);
        root.set("output", output);
        if (usage == null) {
            root.putNull("usage");
        } else {
            root.set("usage", writeUsage(usage));
        }
        return root;
    }

    static String status(String reason, boolean done) {
        if (!done) {
            return "in_progress";
        }
        return "length".equals(reason) || "content_filter".equals(reason) ? "incomplete" : "completed";
    }

    static String itemStatus(String reason) {
        return "completed".equals(status(reason, true)) ? "completed" : "incomplete";
    }

    public static ObjectNode writeUsage(Usage usage) {
        ObjectNode node = Json.NODES.objectNode();
        node.put("input_tokens", usage.promptTokens());
        ObjectNode in = node.putObject("input_tokens_details").put("cached_tokens", usage.cachedPromptTokens());
        if (usage.cacheWriteTokens() > 0) {
            in.put("cache_write_tokens", usage.cacheWriteTokens());
        }
        node.put("output_tokens", usage.completionTokens());
        node.putObject("output_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        node.put("total_tokens", usage.totalTokens());
        return node;
    }

    /** A Responses id for an answer: the upstream's when it is one, else {@code resp_} and the upstream's id. */
    static String responseId(String upstreamId) {
        if (upstreamId == null || upstreamId.isEmpty()) {
            return "resp_tokenledger";
        }
        return upstreamId.startsWith("resp_") ? upstreamId : "resp_" + upstreamId;
    }

    /** A stable item id derived from the response id: {@code msg_…}, {@code fc_…}, {@code rs_…}. */
    static String itemId(String prefix, String responseId, int outputIndex) {
        return prefix + "_" + responseId.substring(5) + "_" + outputIndex;
    }
}
