package dev.tokenledger.wire.anthropic;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.SseChunkDecoder;

import static dev.tokenledger.wire.JsonFields.text;

/**
 * The meaning of the events of one Anthropic Messages stream, as canonical chunks: {@code message_start} (answer
 * start and input usage), {@code content_block_start/delta/stop} (text, thinking and signatures, tool calls with their
 * argument fragments), {@code message_delta} (stop reason, cumulative usage), {@code message_stop} (the end),
 * {@code ping} (nothing) and {@code error} (thrown). Shared by the translating decoder and the pass-through relay.
 */
final class AnthropicStreamEvents {

    /** Content block index to tool-call index, for the tool_use blocks of this stream. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    /** Tool-call indexes whose block sent argument text, so empty inputs can be reported as {@code {}}. */
    private final Map<Integer, Boolean> toolArguments = new HashMap<>();
    private final AnthropicUsage.Running usage = new AnthropicUsage.Running();
    private boolean started;
    private boolean done;

    /**
     * One event.
     *
     * @param type the SSE event name, or null; the data's own {@code type} decides
     * @throws dev.tokenledger.canonical.GatewayError for an {@code error} event or data that is not JSON
     */
    void onEvent(String type, String data, Consumer<ChatChunk> sink) {
        if (done) {
            return;
        }
        ObjectNode event = Json.tryParseObject(data);
        if (event == null) {
            throw SseChunkDecoder.protocolError("The upstream sent a stream event that is not JSON.");
        }
        String kind = text(event, "type") != null ? text(event, "type") : type;
        if (kind == null) {
            return;
        }
        switch (kind) {
            case "message_start" -> messageStart(event.path("message"), sink);
            case "content_block_start" -> blockStart(event.path("index").asInt(), event.path("content_block"), sink);
            case "content_block_delta" -> blockDelta(event.path("index").asInt(), event.path("delta"), sink);
            case "content_block_stop" -> blockStop(event.path("index").asInt(), sink);
            case "message_delta" -> messageDelta(event, sink);
            case "message_stop" -> done = true;
            case "error" -> throw AnthropicErrors.streamError(event);
            default -> {
                // ping and event types not known yet carry nothing to translate
            }
        }
    }

    private void messageStart(JsonNode message, Consumer<ChatChunk> sink) {
        start(text(message, "id"), text(message, "model"), sink);
        report(usage.apply(message.get("usage")), sink);
    }

    private void start(String id, String model, Consumer<ChatChunk> sink) {
        if (!started) {
            started = true;
            sink.accept(new ChatChunk.Start(id, model, 0));
        }
    }

    private void blockStart(int index, JsonNode block, Consumer<ChatChunk> sink) {
        start(null, null, sink);
        String type = text(block, "type");
        if ("text".equals(type)) {
            emitText(text(block, "text"), sink);
        } else if ("thinking".equals(type)) {
            emitThinking(text(block, "thinking"), null, sink);
        } else if ("redacted_thinking".equals(type)) {
            sink.accept(new ChatChunk.Reasoning(0, null, null, text(block, "data"), AnthropicBlocks.FAMILY));
        } else if ("tool_use".equals(type)) {
            int call = toolBlocks.size();
            toolBlocks.put(index, call);
            sink.accept(new ChatChunk.ToolCallStart(0, call, text(block, "id"), text(block, "name")));
            JsonNode input = block.get("input");
            if (input != null && input.isObject() && !input.isEmpty()) {
                toolArguments.put(call, true);
                sink.accept(new ChatChunk.ToolArguments(0, call,
                        new String(Json.write(input), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
    }

    private void blockDelta(int index, JsonNode delta, Consumer<ChatChunk> sink) {
        String type = text(delta, "type");
        if ("text_delta".equals(type)) {
            emitText(text(delta, "text"), sink);
        } else if ("thinking_delta".equals(type)) {
            emitThinking(text(delta, "thinking"), null, sink);
        } else if ("signature_delta".equals(type)) {
            emitThinking(null, text(delta, "signature"), sink);
        } else if ("input_json_delta".equals(type)) {
            Integer call = toolBlocks.get(index);
            String fragment = text(delta, "partial_json");
            if (call != null && fragment != null && !fragment.isEmpty()) {
                toolArguments.put(call, true);
                sink.accept(new ChatChunk.ToolArguments(0, call, fragment));
            }
        }
    }

    private void blockStop(int index, Consumer<ChatChunk> sink) {
        Integer call = toolBlocks.get(index);
        if (call != null && toolArguments.putIfAbsent(call, true) == null) {
            sink.accept(new ChatChunk.ToolArguments(0, call, "{}"));
        }
    }

    private static void emitText(String text, Consumer<ChatChunk> sink) {
        if (text != null && !text.isEmpty()) {
            sink.accept(new ChatChunk.Text(0, text));
        }
    }

    private static void emitThinking(String text, String signature, Consumer<ChatChunk> sink) {
        if ((text != null && !text.isEmpty()) || (signature != null && !signature.isEmpty())) {
            sink.accept(new ChatChunk.Reasoning(0, text == null || text.isEmpty() ? null : text,
                    signature == null || signature.isEmpty() ? null : signature, null, AnthropicBlocks.FAMILY));
        }
    }

    private void messageDelta(JsonNode event, Consumer<ChatChunk> sink) {
        start(null, null, sink);
        report(usage.apply(event.get("usage")), sink);
        JsonNode delta = event.path("delta");
        String stopReason = text(delta, "stop_reason");
        if (stopReason != null) {
            sink.accept(new ChatChunk.Finish(0, AnthropicStopReasons.toCanonical(stopReason), text(delta, "stop_sequence")));
        }
    }

    private static void report(Usage usage, Consumer<ChatChunk> sink) {
        if (usage != null) {
            sink.accept(new ChatChunk.UsageReport(usage));
        }
    }

    /** An unterminated last event: read for usage only. */
    void onPartial(String data, Consumer<ChatChunk> sink) {
        ObjectNode event = data == null || done ? null : Json.tryParseObject(data);
        if (event == null) {
            return;
        }
        JsonNode found = "message_start".equals(text(event, "type")) ? event.path("message").get("usage") : event.get("usage");
        report(found == null ? null : usage.apply(found), sink);
    }

    boolean done() {
        return done;
    }
}
