package dev.tokenledger.wire.openai;

import java.util.HashSet;
import java.util.Set;
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
 * An OpenAI chat stream ({@code chat.completion.chunk} events ending with {@code [DONE]}) as canonical chunks. Reads
 * the {@code reasoning_content} / {@code reasoning} deltas OpenAI-compatible servers send.
 */
public final class OpenAiChunkDecoder extends SseChunkDecoder {

    private static final String DONE = "[DONE]";

    private final Set<Long> startedCalls = new HashSet<>();
    private boolean started;
    private boolean done;

    public OpenAiChunkDecoder(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event, Consumer<ChatChunk> sink) {
        if (done) {
            return;
        }
        if (DONE.equals(event.data())) {
            done = true;
            return;
        }
        ObjectNode chunk = Json.tryParseObject(event.data());
        if (chunk == null) {
            throw protocolError("The upstream sent a stream event that is not JSON.");
        }
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            throw OpenAiErrors.inStream(error);
        }
        if (!started) {
            started = true;
            sink.accept(new ChatChunk.Start(textOrNull(chunk, "id"), textOrNull(chunk, "model"),
                    chunk.path("created").asLong(0)));
        }
        for (JsonNode choice : chunk.path("choices")) {
            choice(choice, sink);
        }
        Usage usage = OpenAiUsage.read(chunk.get("usage"), chunk.get("service_tier"));
        if (usage != null) {
            sink.accept(new ChatChunk.UsageReport(usage));
        }
    }

    private void choice(JsonNode choice, Consumer<ChatChunk> sink) {
        int index = choice.path("index").asInt(0);
        JsonNode delta = choice.path("delta");
        String reasoning = textOrNull(delta, "reasoning_content");
        if (reasoning == null) {
            reasoning = textOrNull(delta, "reasoning");
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            sink.accept(new ChatChunk.Reasoning(index, reasoning, null, null, "openai"));
        }
        String content = textOrNull(delta, "content");
        if (content != null && !content.isEmpty()) {
            sink.accept(new ChatChunk.Text(index, content));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            int callIndex = call.path("index").asInt(0);
            JsonNode fn = call.path("function");
            if (startedCalls.add(((long) index << 32) | callIndex)) {
                sink.accept(new ChatChunk.ToolCallStart(index, callIndex, textOrNull(call, "id"), textOrNull(fn, "name")));
            }
            String arguments = textOrNull(fn, "arguments");
            if (arguments != null && !arguments.isEmpty()) {
                sink.accept(new ChatChunk.ToolArguments(index, callIndex, arguments));
            }
        }
        String finish = textOrNull(choice, "finish_reason");
        if (finish != null) {
            sink.accept(new ChatChunk.Finish(index, finish, null));
        }
    }

    @Override
    protected void onEnd(String partialData, Consumer<ChatChunk> sink) {
        if (partialData != null && !done) {
            ObjectNode chunk = Json.tryParseObject(partialData);
            Usage usage = chunk == null ? null : OpenAiUsage.read(chunk.get("usage"), chunk.get("service_tier"));
            if (usage != null) {
                sink.accept(new ChatChunk.UsageReport(usage));
            }
        }
    }

    @Override
    public boolean complete() {
        return done;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
