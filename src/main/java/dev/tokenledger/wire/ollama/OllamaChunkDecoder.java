package dev.tokenledger.wire.ollama;

import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.NdjsonDecoder;
import dev.tokenledger.stream.NdjsonException;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

import static dev.tokenledger.wire.JsonFields.text;
import static dev.tokenledger.wire.SseChunkDecoder.protocolError;

/**
 * An Ollama {@code /api/chat} stream (NDJSON objects, the last one {@code done: true} with the counts) as canonical
 * chunks. Ollama sends each tool call whole: it becomes a start and one arguments chunk, with {@code call_<n>} as id
 * when Ollama gave none. An {@code {"error":…}} line is the upstream failing inside the stream.
 */
public final class OllamaChunkDecoder implements ChunkDecoder {

    private final NdjsonDecoder ndjson;
    private boolean started;
    private boolean done;
    private int calls;

    public OllamaChunkDecoder(StreamLimits limits) {
        this.ndjson = new NdjsonDecoder(limits.maxLineBytes());
    }

    @Override
    public void decode(byte[] bytes, Consumer<ChatChunk> sink) {
        try {
            ndjson.feed(bytes, line -> line(line, sink));
        } catch (NdjsonException e) {
            throw protocolError(e.getMessage());
        }
    }

    @Override
    public void end(Consumer<ChatChunk> sink) {
        String last;
        try {
            last = ndjson.finish();
        } catch (NdjsonException e) {
            throw protocolError(e.getMessage());
        }
        // a JSON object delimits itself: a last line without its LF still counts when it is complete
        ObjectNode object = last == null ? null : Json.tryParseObject(last);
        if (object != null) {
            object(object, sink);
        }
    }

    /** One line of the stream. */
    void line(String line, Consumer<ChatChunk> sink) {
        ObjectNode object = Json.tryParseObject(line);
        if (object == null) {
            throw protocolError("The upstream sent a stream line that is not a JSON object.");
        }
        object(object, sink);
    }

    private void object(ObjectNode object, Consumer<ChatChunk> sink) {
        if (done) {
            return;
        }
        String error = OllamaErrors.message(object);
        if (error != null) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, error, "upstream_error");
        }
        if (!started) {
            started = true;
            long created = OllamaChatResponses.created(text(object, "created_at"));
            sink.accept(new ChatChunk.Start("chatcmpl-ollama-" + created, text(object, "model"), created / 1000));
        }
        JsonNode message = object.path("message");
        String thinking = text(message, "thinking");
        if (thinking != null && !thinking.isEmpty()) {
            sink.accept(new ChatChunk.Reasoning(0, thinking, null, null, OllamaMessages.FAMILY));
        }
        String content = text(message, "content");
        if (content != null && !content.isEmpty()) {
            sink.accept(new ChatChunk.Text(0, content));
        }
        for (ToolCall call : OllamaChatResponses.toolCalls(message.get("tool_calls"), calls)) {
            sink.accept(new ChatChunk.ToolCallStart(0, calls, call.id(), call.name()));
            sink.accept(new ChatChunk.ToolArguments(0, calls, call.arguments()));
            calls++;
        }
        if (object.path("done").asBoolean(false)) {
            done = true;
            sink.accept(new ChatChunk.Finish(0, OllamaFinish.toCanonical(text(object, "done_reason"), calls > 0), null));
            Usage usage = OllamaUsage.read(object);
            if (usage != null) {
                sink.accept(new ChatChunk.UsageReport(usage));
            }
        }
    }

    @Override
    public boolean complete() {
        return done;
    }
}
