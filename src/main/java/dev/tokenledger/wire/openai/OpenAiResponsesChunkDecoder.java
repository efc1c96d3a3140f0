package dev.tokenledger.wire.openai;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/**
 * An OpenAI Responses API stream as canonical chunks, for a client of another format (a model served through the
 * Responses API only): {@code response.created} starts the answer, {@code response.output_text.delta} is text, the
 * reasoning (summary) text deltas are reasoning, a {@code function_call} output item starts a tool call whose
 * {@code response.function_call_arguments.delta} events are its arguments, and {@code response.completed} /
 * {@code response.incomplete} end it with its usage and finish reason. {@code response.failed} and {@code error}
 * events end the stream with the upstream's error.
 */
public final class OpenAiResponsesChunkDecoder extends SseChunkDecoder {

    /** Tool call index within the answer, by the output item index the upstream gave it. */
    private final Map<Integer, Integer> calls = new HashMap<>();
    private boolean started;
    private boolean done;

    public OpenAiResponsesChunkDecoder(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event, Consumer<ChatChunk> sink) {
        if (done || event.data() == null || event.data().isEmpty() || "[DONE]".equals(event.data())) {
            return;
        }
        ObjectNode data = Json.tryParseObject(event.data());
        if (data == null) {
            throw protocolError("The upstream sent a stream event that is not JSON.");
        }
        String type = data.path("type").asText(event.type() == null ? "" : event.type());
        JsonNode response = data.path("response");
        if (!started) {
            started = true;
            sink.accept(new ChatChunk.Start(text(response, "id"), text(response, "model"),
                    response.path("created_at").asLong(0)));
        }
        switch (type) {
            case "response.output_text.delta" -> delta(data, sink, false);
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> delta(data, sink, true);
            case "response.output_item.added" -> {
                JsonNode item = data.path("item");
                if ("function_call".equals(item.path("type").asText())) {
                    int index = calls.size();
                    calls.put(data.path("output_index").asInt(index), index);
                    sink.accept(new ChatChunk.ToolCallStart(0, index, text(item, "call_id"), text(item, "name")));
                }
            }
            case "response.function_call_arguments.delta" -> {
                Integer index = calls.get(data.path("output_index").asInt(-1));
                String fragment = text(data, "delta");
                if (index != null && fragment != null && !fragment.isEmpty()) {
                    sink.accept(new ChatChunk.ToolArguments(0, index, fragment));
                }
            }
            case "response.completed", "response.incomplete" -> finish(response, sink);
            case "response.failed" -> throw OpenAiErrors.inStream(response.path("error").isObject()
                    ? response.get("error")
                    : data);
            case "error" -> throw OpenAiErrors.inStream(data.path("error").isObject() ? data.get("error") : data);
            default -> {
                // other events (content part and item bookkeeping, hosted tools) add nothing to the canonical answer
            }
        }
    }

    private static void delta(ObjectNode data, Consumer<ChatChunk> sink, boolean reasoning) {
        String delta = text(data, "delta");
        if (delta != null && !delta.isEmpty()) {
            sink.accept(reasoning
                    ? new ChatChunk.Reasoning(0, delta, null, null, "openai")
                    : new ChatChunk.Text(0, delta));
        }
    }

    private void finish(JsonNode response, Consumer<ChatChunk> sink) {
        done = true;
        Usage usage = OpenAiResponsesAnswers.read(response.get("usage"));
        if (usage != null) {
            sink.accept(new ChatChunk.UsageReport(usage));
        }
        String reason;
        if ("incomplete".equals(text(response, "status"))) {
            reason = "content_filter".equals(response.path("incomplete_details").path("reason").asText(""))
                    ? "content_filter"
                    : "length";
        } else {
            reason = calls.isEmpty() ? "stop" : "tool_calls";
        }
        sink.accept(new ChatChunk.Finish(0, reason, null));
    }

    @Override
    public boolean complete() {
        return done;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
