package dev.tokenledger.wire.ollama;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ChunkEncoder;

/**
 * Canonical chunks as an Ollama {@code /api/chat} stream: one NDJSON object per piece of text or thinking, tool calls
 * whole (their argument fragments are gathered until the call is complete), and a last {@code done: true} object with
 * the finish reason and the counts.
 */
public final class OllamaChunkEncoder implements ChunkEncoder {

    /** Calls begun and not yet written, by index: id, name and the arguments so far. */
    private final Map<Integer, ToolCall> pendingCalls = new LinkedHashMap<>();
    private final Map<Integer, StringBuilder> pendingArguments = new LinkedHashMap<>();
    private String model = "";
    private String createdAt = OllamaChatResponses.createdAt(System.currentTimeMillis() / 1000);
    private String finishReason;

    @Override
    public void encode(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Start start) {
            model = start.model() != null ? start.model() : model;
            createdAt = start.created() > 0 ? OllamaChatResponses.createdAt(start.created()) : createdAt;
        } else if (chunk instanceof ChatChunk.Text t) {
            flushCalls(out);
            ObjectNode message = message();
            message.put("content", t.text());
            write(message, out);
        } else if (chunk instanceof ChatChunk.Reasoning r) {
            if (r.text() != null && !r.text().isEmpty()) {
                flushCalls(out);
                write(message().put("thinking", r.text()), out);
            }
        } else if (chunk instanceof ChatChunk.ToolCallStart s) {
            pendingCalls.put(s.index(), new ToolCall(s.id(), s.name(), null));
            pendingArguments.put(s.index(), new StringBuilder());
        } else if (chunk instanceof ChatChunk.ToolArguments a && pendingArguments.containsKey(a.index())) {
            pendingArguments.get(a.index()).append(a.fragment());
        } else if (chunk instanceof ChatChunk.Finish f) {
            flushCalls(out);
            finishReason = f.reason();
        }
    }

    private ObjectNode message() {
        ObjectNode message = Json.NODES.objectNode();
        message.put("role", "assistant").put("content", "");
        return message;
    }

    private void flushCalls(ByteArrayOutputStream out) {
        if (pendingCalls.isEmpty()) {
            return;
        }
        List<ToolCall> calls = new ArrayList<>(pendingCalls.size());
        pendingCalls.forEach((index, call) -> calls.add(new ToolCall(call.id(), call.name(),
                pendingArguments.get(index).toString())));
        pendingCalls.clear();
        pendingArguments.clear();
        write(OllamaMessages.toWire(List.of(new Message("assistant", List.of(), calls, null, null)), 0), out);
    }

    private ObjectNode object(ObjectNode message, boolean done) {
        ObjectNode object = Json.NODES.objectNode();
        object.put("model", model).put("created_at", createdAt);
        object.set("message", message);
        object.put("done", done);
        return object;
    }

    private void write(ObjectNode message, ByteArrayOutputStream out) {
        line(object(message, false), out);
    }

    private static void line(ObjectNode object, ByteArrayOutputStream out) {
        out.writeBytes(Json.write(object));
        out.write('\n');
    }

    @Override
    public void finish(Usage usage, ByteArrayOutputStream out) {
        flushCalls(out);
        ObjectNode last = object(message(), true);
        last.put("done_reason", OllamaFinish.toWire(finishReason));
        OllamaUsage.write(usage, last);
        line(last, out);
    }

    @Override
    public void error(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(OllamaErrors.line(error));
    }
}
