package dev.tokenledger.wire.gemini;

import java.io.ByteArrayOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.stream.SseException;
import dev.tokenledger.wire.GeneratedText;
import dev.tokenledger.wire.JsonSsePassthroughRelay;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/**
 * Gemini stream to Gemini client: every event is forwarded as the upstream's original bytes; a copy of its data is
 * parsed for usage (the last {@code usageMetadata} wins), the finish reason and errors. An error written outside the
 * SSE framing is answered with the client's bare error object.
 */
public final class GeminiPassthroughRelay extends JsonSsePassthroughRelay {

    private final GeminiBareJson bare = new GeminiBareJson();

    public GeminiPassthroughRelay(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event) {
        if (upstreamError() != null) {
            return;
        }
        ObjectNode chunk = parse(event);
        if (chunk == null) {
            return;
        }
        GatewayError error = GeminiErrors.inStream(chunk);
        if (error != null) {
            fail(error);
            return;
        }
        read(chunk);
        out.writeBytes(event.raw());
    }

    private void read(ObjectNode chunk) {
        Usage reported = GeminiUsage.read(chunk.get("usageMetadata"));
        if (reported != null) {
            usage = reported;
        }
        JsonNode candidates = chunk.path("candidates");
        for (JsonNode candidate : candidates) {
            if (candidate.hasNonNull("finishReason")) {
                finished();
            }
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (text.length() < GeneratedText.MAX_CHARS) {
                    text.append(part.path("text").asText(""));
                    JsonNode call = part.get("functionCall");
                    if (call != null) {
                        text.append(call.path("name").asText("")).append(call.path("args"));
                    }
                }
            }
        }
        if (candidates.isEmpty() && chunk.path("promptFeedback").has("blockReason")) {
            finished();
        }
    }

    @Override
    protected void onOtherLine(String line) {
        if (upstreamError() != null) {
            return;
        }
        ObjectNode object = bare.add(line);
        if (object != null) {
            GatewayError error = GeminiErrors.inStream(object);
            fail(error != null ? error : SseChunkDecoder.protocolError("The upstream sent JSON outside the event stream."));
        }
    }

    @Override
    protected void end() {
        String partial;
        try {
            partial = finishFraming();
        } catch (SseException e) {
            partial = null;
        }
        if (partial != null && upstreamError() == null && !done()) {
            // an unterminated last event is never forwarded, but it may still carry the usage
            ObjectNode chunk = Json.tryParseObject(partial);
            Usage reported = chunk == null ? null : GeminiUsage.read(chunk.get("usageMetadata"));
            if (reported != null) {
                usage = reported;
            }
        }
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(GeminiChunkEncoder.errorLine(error));
    }
}
