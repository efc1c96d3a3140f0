package dev.tokenledger.wire.openai;

import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.wire.JsonFields;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/** A legacy completions stream ({@code text_completion} events ending with {@code [DONE]}) as canonical chunks. */
public final class OpenAiCompletionsChunkDecoder extends SseChunkDecoder {

    private boolean started;
    private boolean done;

    public OpenAiCompletionsChunkDecoder(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event, Consumer<ChatChunk> sink) {
        if (done || (done = "[DONE]".equals(event.data()))) {
            return;
        }
        ObjectNode chunk = Json.tryParseObject(event.data());
        if (chunk == null) {
            throw protocolError("The upstream sent a stream event that is not JSON.");
        }
        if (chunk.path("error").isObject()) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    chunk.get("error").path("message").asText("The upstream reported an error in the stream."),
                    "upstream_error");
        }
        if (!started) {
            started = true;
            sink.accept(new ChatChunk.Start(JsonFields.text(chunk, "id"), JsonFields.text(chunk, "model"),
                    chunk.path("created").asLong(0)));
        }
        for (JsonNode choice : chunk.path("choices")) {
            int index = choice.path("index").asInt(0);
            String text = JsonFields.text(choice, "text");
            if (text != null && !text.isEmpty()) {
                sink.accept(new ChatChunk.Text(index, text));
            }
            String finish = JsonFields.text(choice, "finish_reason");
            if (finish != null) {
                sink.accept(new ChatChunk.Finish(index, finish, null));
            }
        }
        report(chunk, sink);
    }

    private static void report(ObjectNode chunk, Consumer<ChatChunk> sink) {
        Usage usage = chunk == null ? null : OpenAiUsage.read(chunk.get("usage"));
        if (usage != null) {
            sink.accept(new ChatChunk.UsageReport(usage));
        }
    }

    @Override
    protected void onEnd(String partialData, Consumer<ChatChunk> sink) {
        if (partialData != null && !done) {
            report(Json.tryParseObject(partialData), sink);
        }
    }

    @Override
    public boolean complete() {
        return done;
    }
}
