package dev.tokenledger.wire.bedrock;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.wire.EventStreamEvents;
import dev.tokenledger.wire.SseChunkDecoder;

/**
 * The events of a ConverseStream answer as canonical chunks: {@code messageStart}, {@code contentBlockStart} (a tool
 * call's id and name), {@code contentBlockDelta} (text, tool input fragments, reasoning text, signature or redacted
 * content), {@code contentBlockStop}, {@code messageStop} (the stop reason) and {@code metadata} (usage, after the
 * stop). An exception frame ({@code throttlingException}, {@code modelStreamErrorException}, …) ends the stream with
 * its error. Unknown events and fields are ignored.
 */
final class BedrockStreamEvents implements EventStreamEvents {

    /** Tool calls per stream at most (content block indexes are the upstream's). */
    private static final int MAX_BLOCKS = 4096;

    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private final EventStreamEvents.StartOnce start = new EventStreamEvents.StartOnce("msg_bdrk_");
    private boolean stopped;

    @Override
    public void onFrame(EventStreamFrame frame, Consumer<ChatChunk> sink) {
        if (frame.failure()) {
            throw BedrockErrors.streamException(frame.exceptionType(), frame.payload());
        }
        String type = frame.eventType();
        if (type == null) {
            return;
        }
        ObjectNode event = Json.tryParseObject(frame.payload());
        if (event == null) {
            throw SseChunkDecoder.protocolError("The upstream sent a malformed " + type + " event.");
        }
        start.emit(sink);
        switch (type) {
            case "contentBlockStart" -> blockStart(event, sink);
            case "contentBlockDelta" -> delta(event, sink);
            case "messageStop" -> {
                stopped = true;
                sink.accept(new ChatChunk.Finish(0, BedrockStopReasons.toCanonical(event.path("stopReason").asText(null)),
                        null));
            }
            case "metadata" -> {
                var usage = BedrockUsage.read(event.get("usage"));
                if (usage != null) {
                    sink.accept(new ChatChunk.UsageReport(usage));
                }
            }
            default -> {
                // messageStart, contentBlockStop and events not known yet carry nothing to forward
            }
        }
    }

    private void blockStart(ObjectNode event, Consumer<ChatChunk> sink) {
        JsonNode use = event.path("start").path("toolUse");
        if (!use.isObject()) {
            return;
        }
        if (toolIndexes.size() >= MAX_BLOCKS) {
            throw SseChunkDecoder.protocolError("The upstream stream holds more than " + MAX_BLOCKS + " tool calls.");
        }
        int index = toolIndexes.size();
        toolIndexes.put(event.path("contentBlockIndex").asInt(), index);
        sink.accept(new ChatChunk.ToolCallStart(0, index, use.path("toolUseId").asText(), use.path("name").asText()));
    }

    private void delta(ObjectNode event, Consumer<ChatChunk> sink) {
        JsonNode delta = event.path("delta");
        if (delta.has("text")) {
            sink.accept(new ChatChunk.Text(0, delta.get("text").asText()));
        } else if (delta.has("toolUse")) {
            Integer index = toolIndexes.get(event.path("contentBlockIndex").asInt());
            if (index == null) {
                throw SseChunkDecoder.protocolError("The upstream sent tool input for a block it did not start.");
            }
            sink.accept(new ChatChunk.ToolArguments(0, index, delta.get("toolUse").path("input").asText("")));
        } else if (delta.has("reasoningContent")) {
            JsonNode r = delta.get("reasoningContent");
            sink.accept(new ChatChunk.Reasoning(0, r.hasNonNull("text") ? r.get("text").asText() : null,
                    r.hasNonNull("signature") ? r.get("signature").asText() : null,
                    r.hasNonNull("redactedContent") ? r.get("redactedContent").asText() : null, BedrockBlocks.FAMILY));
        }
    }

    /** Whether the answer's {@code messageStop} arrived. */
    @Override
    public boolean stopped() {
        return stopped;
    }

    /** Whether any event arrived. */
    boolean started() {
        return start.emitted();
    }

}
