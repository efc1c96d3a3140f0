package dev.tokenledger.wire.gemini;

import java.io.ByteArrayOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.stream.SseException;
import dev.tokenledger.wire.Json;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;

/**
 * Gemini stream to Gemini client: every event is forwarded as the upstream's original bytes; a copy of its data is
 * parsed for usage (the last {@code usageMetadata} wins), the finish reason and errors. An error written outside the
 * SSE framing is answered with the client's bare error object.
 */
public final class GeminiPassthroughRelay implements StreamRelay {

    /** Generated text kept for estimating usage the upstream does not report. */
    private static final int MAX_TEXT_CHARS = 1 << 20;

    private final SseDecoder decoder;
    private final GeminiBareJson bare = new GeminiBareJson();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private boolean done;
    private Usage usage;
    private GatewayError upstreamError;

    public GeminiPassthroughRelay(StreamLimits limits) {
        this.decoder = new SseDecoder(limits.maxLineBytes(), limits.maxEventBytes()).otherLines(this::onOtherLine);
    }

    @Override
    public byte[] onUpstreamBytes(byte[] chunk) {
        out.reset();
        try {
            decoder.feed(chunk, this::onEvent);
        } catch (SseException e) {
            throw SseChunkDecoder.protocolError(e.getMessage());
        }
        return out.toByteArray();
    }

    private void onEvent(SseEvent event) {
        if (upstreamError != null) {
            return;
        }
        ObjectNode chunk = Json.tryParseObject(event.data());
        if (chunk == null) {
            fail(SseChunkDecoder.protocolError("The upstream sent a stream event that is not JSON."));
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
                done = true;
            }
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (text.length() < MAX_TEXT_CHARS) {
                    text.append(part.path("text").asText(""));
                    JsonNode call = part.get("functionCall");
                    if (call != null) {
                        text.append(call.path("name").asText("")).append(call.path("args"));
                    }
                }
            }
        }
        if (candidates.isEmpty() && chunk.path("promptFeedback").has("blockReason")) {
            done = true;
        }
    }

    private void onOtherLine(String line) {
        if (upstreamError != null) {
            return;
        }
        ObjectNode object = bare.add(line);
        if (object != null) {
            GatewayError error = GeminiErrors.inStream(object);
            fail(error != null ? error : SseChunkDecoder.protocolError("The upstream sent JSON outside the event stream."));
        }
    }

    private void fail(GatewayError error) {
        upstreamError = error;
        out.writeBytes(GeminiChunkEncoder.errorLine(error));
    }

    @Override
    public byte[] onUpstreamEnd() {
        out.reset();
        String partial;
        try {
            partial = decoder.finish();
        } catch (SseException e) {
            partial = null;
        }
        if (partial != null && upstreamError == null && !done) {
            // an unterminated last event is never forwarded, but it may still carry the usage
            ObjectNode chunk = Json.tryParseObject(partial);
            Usage reported = chunk == null ? null : GeminiUsage.read(chunk.get("usageMetadata"));
            if (reported != null) {
                usage = reported;
            }
        }
        if (upstreamError != null) {
            return out.toByteArray();
        }
        if (done) {
            return new byte[0];
        }
        return onFailure(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                "The upstream closed the stream before it was complete.", "upstream_stream_truncated"));
    }

    @Override
    public byte[] onFailure(GatewayError error) {
        if (done || upstreamError != null) {
            return new byte[0];
        }
        upstreamError = error;
        return GeminiChunkEncoder.errorLine(error);
    }

    @Override
    public boolean complete() {
        return done && upstreamError == null;
    }

    @Override
    public GatewayError upstreamError() {
        return upstreamError;
    }

    @Override
    public Usage reportedUsage() {
        if (usage == null) {
            return null;
        }
        return complete() ? usage : usage.withSource(Usage.Source.PROVIDER_PARTIAL);
    }

    @Override
    public CharSequence generatedText() {
        return text;
    }
}
