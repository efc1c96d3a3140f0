package dev.tokenledger.wire.bedrock;

import java.io.ByteArrayOutputStream;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamDecoder;
import dev.tokenledger.stream.EventStreamException;
import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.wire.AbstractStreamRelay;
import dev.tokenledger.wire.GeneratedText;
import dev.tokenledger.wire.StreamLimits;

/**
 * A ConverseStream answer relayed frame by frame in its own format: each complete frame is written on once its CRCs
 * checked, usage and generated text are read on the way, an exception frame ends the stream. No client speaks
 * Converse, so this relay serves as the probe that recognises a stream's first event (and an error before it); its
 * error event is an exception frame.
 */
final class BedrockPassthroughRelay extends AbstractStreamRelay {

    private final EventStreamDecoder frames;
    private final BedrockStreamEvents events = new BedrockStreamEvents();
    private final GeneratedText text = new GeneratedText();

    BedrockPassthroughRelay(StreamLimits limits) {
        this.frames = new EventStreamDecoder(limits.maxEventBytes());
    }

    @Override
    protected void feed(byte[] chunk) {
        if (over() && upstreamError() != null) {
            return;
        }
        try {
            frames.feed(chunk, this::onFrame);
        } catch (EventStreamException e) {
            fail(BedrockStreamEvents.broken(e.getMessage()));
        } catch (GatewayError e) {
            fail(e);
        }
    }

    private void onFrame(EventStreamFrame frame) {
        events.onFrame(frame, this::onChunk);
        out.writeBytes(frame.encode());
    }

    private void onChunk(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.UsageReport report) {
            usage = report.usage();
        } else {
            text.add(chunk);
        }
    }

    @Override
    protected void end() {
        // a partial frame carries nothing: the stream is complete only when messageStop arrived
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(EventStreamFrame.exception(error.kind() == dev.tokenledger.canonical.ErrorKind.UPSTREAM_RATE_LIMITED
                ? "throttlingException"
                : "internalServerException",
                Json.write(Json.NODES.objectNode().put("message", error.getMessage()))).encode());
    }

    @Override
    protected boolean done() {
        return events.stopped();
    }

    @Override
    public CharSequence generatedText() {
        return text.text();
    }
}
