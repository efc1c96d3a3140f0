package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamDecoder;
import dev.tokenledger.stream.EventStreamException;
import dev.tokenledger.stream.EventStreamFrame;

/**
 * An AWS event stream relayed frame by frame in its own format: each complete frame is written on once its CRCs
 * checked, usage and generated text are read on the way by the format's {@link EventStreamEvents}, an exception frame
 * ends the stream. No client speaks an AWS event-stream format, so this relay serves as the probe that recognises a
 * stream's first event (and an error before it); its error event is an exception frame.
 */
public final class EventStreamPassthroughRelay extends AbstractStreamRelay {

    private final EventStreamDecoder frames;
    private final EventStreamEvents events;

    public EventStreamPassthroughRelay(StreamLimits limits, EventStreamEvents events) {
        this.frames = new EventStreamDecoder(limits.maxEventBytes());
        this.events = events;
    }

    @Override
    protected void feed(byte[] chunk) {
        if (over() && upstreamError() != null) {
            return;
        }
        try {
            frames.feed(chunk, this::onFrame);
        } catch (EventStreamException e) {
            fail(EventStreamEvents.broken(e.getMessage()));
        } catch (GatewayError e) {
            fail(e);
        }
    }

    private void onFrame(EventStreamFrame frame) {
        events.onFrame(frame, this::onChunk);
        out.writeBytes(frame.encode());
    }

    private void onChunk(ChatChunk chunk) {
        keep(chunk);
    }

    @Override
    protected void end() {
        // a partial frame carries nothing
        if (frames.finish()) {
            events.onEnd(this::onChunk);
        }
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(EventStreamFrame.exception(error.kind() == ErrorKind.UPSTREAM_RATE_LIMITED
                ? "throttlingException"
                : "internalServerException",
                Json.write(Json.NODES.objectNode().put("message", error.getMessage()))).encode());
    }

    @Override
    protected boolean done() {
        return events.stopped();
    }
}
