package dev.tokenledger.wire.gemini;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/**
 * A Gemini stream ({@code streamGenerateContent?alt=sse}: one {@code GenerateContentResponse} per {@code data:} event)
 * as canonical chunks. Function calls arrive whole and become a start and one arguments fragment. Usage is a running
 * total in each event; the answer is complete once a candidate has a finish reason. An error object written outside
 * the SSE framing ends the stream with that error.
 */
public final class GeminiChunkDecoder extends SseChunkDecoder {

    private final GeminiBareJson bare = new GeminiBareJson();
    private final Map<Integer, Integer> callsPerChoice = new HashMap<>();
    private boolean started;
    private boolean done;
    private int events;
    private String responseId;

    public GeminiChunkDecoder(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event, Consumer<ChatChunk> sink) {
        ObjectNode chunk = Json.tryParseObject(event.data());
        if (chunk == null) {
            throw protocolError("The upstream sent a stream event that is not JSON.");
        }
        GatewayError error = GeminiErrors.inStream(chunk);
        if (error != null) {
            throw error;
        }
        if (!started) {
            started = true;
            responseId = chunk.path("responseId").asText(null);
            sink.accept(new ChatChunk.Start(responseId, chunk.path("modelVersion").asText(null), 0));
        }
        String scope = (responseId == null ? "stream" : responseId) + "#" + events++;
        JsonNode candidates = chunk.path("candidates");
        String finish = null;
        int finishedChoice = 0;
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode candidate = candidates.get(i);
            int choice = candidate.path("index").asInt(i);
            candidate(candidate, choice, scope, sink);
            if (candidate.hasNonNull("finishReason")) {
                finish = candidate.get("finishReason").asText();
                finishedChoice = choice;
            }
        }
        Usage usage = GeminiUsage.read(chunk.get("usageMetadata"));
        if (usage != null) {
            sink.accept(new ChatChunk.UsageReport(usage));
        }
        if (finish != null) {
            done = true;
            boolean calls = callsPerChoice.getOrDefault(finishedChoice, 0) > 0;
            sink.accept(new ChatChunk.Finish(finishedChoice, GeminiResponses.finishToCanonical(finish, calls), null));
        } else if (candidates.isEmpty() && chunk.path("promptFeedback").has("blockReason")) {
            done = true;
            sink.accept(new ChatChunk.Finish(0, "content_filter", null));
        }
    }

    private void candidate(JsonNode candidate, int choice, String scope, Consumer<ChatChunk> sink) {
        JsonNode content = candidate.path("content");
        if (!content.isObject()) {
            return;
        }
        GeminiContents.Parts parts;
        try {
            parts = GeminiContents.parts(content, "candidates[" + choice + "].content", scope, Map.of());
        } catch (GatewayError e) {
            throw protocolError("The upstream sent a malformed stream event: " + e.getMessage());
        }
        for (ContentPart part : parts.content()) {
            if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
                sink.accept(new ChatChunk.Text(choice, t.text()));
            } else if (part instanceof ContentPart.Reasoning r) {
                sink.accept(new ChatChunk.Reasoning(choice, r.text(), r.signature(), null, r.family()));
            }
        }
        for (ToolCall call : parts.calls()) {
            int index = callsPerChoice.merge(choice, 1, Integer::sum) - 1;
            sink.accept(new ChatChunk.ToolCallStart(choice, index, call.id(), call.name()));
            sink.accept(new ChatChunk.ToolArguments(choice, index, call.arguments()));
        }
    }

    @Override
    protected void onOtherLine(String line, Consumer<ChatChunk> sink) {
        ObjectNode object = bare.add(line);
        if (object != null) {
            GatewayError error = GeminiErrors.inStream(object);
            throw error != null ? error : protocolError("The upstream sent JSON outside the event stream.");
        }
    }

    @Override
    protected void onEnd(String partialData, Consumer<ChatChunk> sink) {
        if (partialData != null && !done) {
            ObjectNode chunk = Json.tryParseObject(partialData);
            Usage usage = chunk == null ? null : GeminiUsage.read(chunk.get("usageMetadata"));
            if (usage != null) {
                sink.accept(new ChatChunk.UsageReport(usage));
            }
        }
        if (bare.pending()) {
            throw protocolError("The upstream ended the stream inside a JSON object.");
        }
    }

    @Override
    public boolean complete() {
        return done;
    }
}
