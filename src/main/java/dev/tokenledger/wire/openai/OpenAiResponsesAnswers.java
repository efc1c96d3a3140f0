package dev.tokenledger.wire.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

import static dev.tokenledger.wire.JsonFields.text;

/**
 * Pure reading of Responses API answers ({@code object: "response"}) from an OpenAI upstream, which a Responses client
 * receives as they came: the usage for the ledger and, for the response cache, the canonical answer. Usage counts as
 * the canonical one does: {@code input_tokens} include the cached ones, {@code output_tokens} the reasoning ones.
 */
public final class OpenAiResponsesAnswers {

    private OpenAiResponsesAnswers() {
    }

    /** The usage of a complete answer, or null when it reports none. */
    public static Usage usage(byte[] body) {
        JsonNode[] fields = Json.topLevelFields(body, "usage", "service_tier");
        Usage usage = read(fields[0]);
        return usage == null ? null : usage.withReportedTier(OpenAiUsage.tier(fields[1]));
    }

    /** A Responses usage object ({@code input_tokens}, {@code output_tokens} and their details); null when absent. */
    static Usage read(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode in = usage.path("input_tokens_details");
        return new Usage(usage.path("input_tokens").asLong(0), in.path("cached_tokens").asLong(0),
                in.path("cache_write_tokens").asLong(0), usage.path("output_tokens").asLong(0),
                usage.path("output_tokens_details").path("reasoning_tokens").asLong(0), Usage.Source.PROVIDER,
                Usage.Detail.NONE);
    }

    /** A complete answer to the canonical response; fails as the upstream's fault when it is no response object. */
    public static ChatResponse toCanonical(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !root.path("output").isArray()) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream answered with a malformed response.",
                    "upstream_malformed_response");
        }
        List<ContentPart> content = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode item : root.get("output")) {
            switch (item.path("type").asText("")) {
                case "message" -> item.path("content").forEach(part -> {
                    if (part.path("text").isTextual()) {
                        content.add(new ContentPart.Text(part.get("text").asText()));
                    }
                });
                case "function_call" -> calls.add(new ToolCall(text(item, "call_id"), text(item, "name"),
                        item.path("arguments").asText("")));
                case "custom_tool_call" -> calls.add(new ToolCall(text(item, "call_id"), text(item, "name"),
                        OpenAiCustomTools.argumentsOf(item.path("input").asText(""))));
                case "reasoning" -> content.add(OpenAiResponsesInput.reasoningPart((ObjectNode) item));
                default -> {
                    // hosted tool calls and future items have no canonical form; the client got them as they came
                }
            }
        }
        Message message = new Message("assistant", content, calls, null, null);
        ChatResponse.Choice choice = new ChatResponse.Choice(0, message, finish(root, !calls.isEmpty()));
        return new ChatResponse(text(root, "id"), text(root, "model"), root.path("created_at").asLong(0),
                List.of(choice), usage(body), null);
    }

    /** The canonical finish reason of a response's status (wire-formats.md §9). */
    private static String finish(ObjectNode root, boolean calls) {
        if ("incomplete".equals(text(root, "status"))) {
            String reason = root.path("incomplete_details").path("reason").asText("");
            return "content_filter".equals(reason) ? "content_filter" : "length";
        }
        return calls ? "tool_calls" : "stop";
    }
}
