package dev.tokenledger.wire.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/**
 * Pure mapping of Responses API answers ({@code object: "response"}) from the canonical response (clients only: no upstream answers in it). Finish
 * reasons follow wire-formats.md §9: {@code completed} is {@code stop} (or {@code tool_calls} when the output has
 * function calls); {@code incomplete} with {@code max_output_tokens} is {@code length}, with {@code content_filter}
 * is {@code content_filter}.
 */
public final class OpenAiResponsesResponses {

    private OpenAiResponsesResponses() {
    }

    public static byte[] toWire(ChatResponse response) {
        return toWire(response, new OpenAiResponsesTools.Declared(java.util.List.of(), java.util.Map.of()));
    }

    /**
     * @param tools the tools of the request answered, by which a canonical call becomes the item the client's tool
     *        expects (a custom tool call, a namespaced function call, a tool search)
     */
    static byte[] toWire(ChatResponse response, OpenAiResponsesTools.Declared tools) {
        String id = responseId(response.id());
        ArrayNode output = Json.NODES.arrayNode();
        String reason = null;
        if (!response.choices().isEmpty()) {
            ChatResponse.Choice choice = response.choices().get(0);
            reason = choice.finishReason();
            outputItems(id, choice.message(), itemStatus(reason), tools, output);
        }
        return Json.write(response(id, response.created(), response.model(), true, reason, output, response.usage()));
    }

    private static void outputItems(String id, Message message, String itemStatus, OpenAiResponsesTools.Declared tools,
            ArrayNode output) {
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
            output.add(callItem(itemId("fc", id, output.size()), "completed", call.id() != null ? call.id() : "call_" + i,
                    tools.origin(call.name()), call.arguments()));
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
     * The item of a canonical call as the client's tool expects it: a function call (with its namespace, if any), a
     * {@code custom_tool_call} with the free-form input, or a client-executed {@code tool_search_call}.
     */
    static ObjectNode callItem(String id, String status, String callId, OpenAiResponsesTools.Origin origin,
            String arguments) {
        return switch (origin.kind()) {
            case FUNCTION -> {
                ObjectNode item = functionCallItem(id, status, callId, origin.name(), arguments);
                yield origin.namespace() == null ? item : item.put("namespace", origin.namespace());
            }
            case CUSTOM -> Json.NODES.objectNode().put("id", id).put("type", "custom_tool_call").put("status", status)
                    .put("call_id", callId).put("name", origin.name()).put("input", OpenAiCustomTools.inputOf(arguments));
            case TOOL_SEARCH -> {
                ObjectNode item = Json.NODES.objectNode().put("id", id).put("type", "tool_search_call")
                        .put("status", status).put("call_id", callId).put("execution", "client");
                ObjectNode parsed = arguments == null ? null : Json.tryParseObject(arguments);
                item.set("arguments", parsed != null ? parsed : Json.NODES.objectNode());
                yield item;
            }
        };
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

    /**
     * A Responses id for an answer: the upstream's when it is one, else {@code resp_} and the upstream's id; a new
     * random one when the upstream gave none (a stored response is found by its id).
     */
    static String responseId(String upstreamId) {
        if (upstreamId == null || upstreamId.isEmpty()) {
            return "resp_" + java.util.UUID.randomUUID().toString().replace("-", "");
        }
        return upstreamId.startsWith("resp_") ? upstreamId : "resp_" + upstreamId;
    }

    /** A stable item id derived from the response id: {@code msg_…}, {@code fc_…}, {@code rs_…}. */
    static String itemId(String prefix, String responseId, int outputIndex) {
        return prefix + "_" + responseId.substring(5) + "_" + outputIndex;
    }
}
