package dev.tokenledger.wire.openai;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.wire.JsonFields;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/**
 * A Responses API stream as canonical chunks. The event type is read from the data's {@code type} (every Responses
 * event carries it). Text and reasoning deltas become text and reasoning chunks, each {@code function_call} item a
 * tool call (its arguments from the deltas, or whole from the {@code done} event when the upstream sent no deltas).
 * The stream is complete at {@code response.completed} or {@code response.incomplete}, which carry the usage;
 * {@code response.failed} and {@code error} events end it with an upstream error.
 */
public final class OpenAiResponsesChunkDecoder extends SseChunkDecoder {

    /** Tool call index and arguments received, by output index of the function_call item. */
    private final Map<Integer, int[]> calls = new HashMap<>();
    private boolean started;
    private boolean done;

    public OpenAiResponsesChunkDecoder(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event, Consumer<ChatChunk> sink) {
        if (done) {
            return;
        }
        ObjectNode data = Json.tryParseObject(event.data());
        if (data == null) {
            throw protocolError("The upstream sent a stream event that is not JSON.");
        }
        String type = JsonFields.text(data, "type");
        if (type == null) {
            type = event.type();
        }
        if ("error".equals(type)) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    data.path("message").asText("The upstream reported an error in the stream."), "upstream_error");
        }
        if (!started) {
            started = true;
            JsonNode response = data.path("response");
            sink.accept(new ChatChunk.Start(JsonFields.text(response, "id"), JsonFields.text(response, "model"),
                    response.path("created_at").asLong(0)));
        }
        int outputIndex = data.path("output_index").asInt(0);
        switch (type) {
            case "response.output_text.delta" -> sink.accept(new ChatChunk.Text(0, data.path("delta").asText("")));
            case "response.refusal.delta" -> sink.accept(new ChatChunk.Text(0, data.path("delta").asText("")));
            case "response.reasoning_text.delta", "response.reasoning_summary_text.delta" -> sink
                    .accept(new ChatChunk.Reasoning(0, data.path("delta").asText(""), null, null,
                            OpenAiResponsesInput.FAMILY));
            case "response.output_item.added" -> itemAdded(outputIndex, data.path("item"), sink);
            case "response.function_call_arguments.delta" -> arguments(outputIndex, data.path("delta").asText(""), sink);
            case "response.output_item.done" -> itemDone(outputIndex, data.path("item"), sink);
            case "response.completed", "response.incomplete" -> terminal(data.path("response"), sink);
            case "response.failed" -> throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    data.path("response").path("error").path("message").asText("The upstream response failed."),
                    "upstream_error");
            default -> {
                // lifecycle, part and done events repeat what the deltas said
            }
        }
    }

    private void itemAdded(int outputIndex, JsonNode item, Consumer<ChatChunk> sink) {
        if (!"function_call".equals(JsonFields.text(item, "type"))) {
            return;
        }
        int index = calls.size();
        calls.put(outputIndex, new int[]{index, 0});
        sink.accept(new ChatChunk.ToolCallStart(0, index, JsonFields.text(item, "call_id"), JsonFields.text(item, "name")));
        arguments(outputIndex, item.path("arguments").asText(""), sink);
    }

    private void arguments(int outputIndex, String fragment, Consumer<ChatChunk> sink) {
        int[] call = calls.get(outputIndex);
        if (call != null && !fragment.isEmpty()) {
            call[1] += fragment.length();
            sink.accept(new ChatChunk.ToolArguments(0, call[0], fragment));
        }
    }

    private void itemDone(int outputIndex, JsonNode item, Consumer<ChatChunk> sink) {
        String type = JsonFields.text(item, "type");
        int[] call = calls.get(outputIndex);
        if ("function_call".equals(type) && call != null && call[1] == 0) {
            arguments(outputIndex, item.path("arguments").asText(""), sink);
        } else if ("reasoning".equals(type) && (item.hasNonNull("encrypted_content") || item.hasNonNull("id"))) {
            ContentPart.Reasoning part = OpenAiResponsesInput.reasoningPart((ObjectNode) item);
            sink.accept(new ChatChunk.Reasoning(0, null, part.signature(), part.redactedData(), part.family()));
        }
    }

    private void terminal(JsonNode response, Consumer<ChatChunk> sink) {
        done = true;
        sink.accept(new ChatChunk.Finish(0, OpenAiResponsesResponses.finishReason(JsonFields.text(response, "status"),
                JsonFields.text(response.path("incomplete_details"), "reason"), !calls.isEmpty()), null));
        Usage usage = OpenAiResponsesResponses.usageOf(response);
        if (usage != null) {
            sink.accept(new ChatChunk.UsageReport(usage));
        }
    }

    @Override
    protected void onEnd(String partialData, Consumer<ChatChunk> sink) {
        ObjectNode data = partialData == null || done ? null : Json.tryParseObject(partialData);
        Usage usage = data == null ? null : OpenAiResponsesResponses.usageOf(data.get("response"));
        if (usage != null) {
            sink.accept(new ChatChunk.UsageReport(usage));
        }
    }

    @Override
    public boolean complete() {
        return done;
    }
}
