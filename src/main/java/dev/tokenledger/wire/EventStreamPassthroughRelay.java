package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamFrame;

/**
 * An AWS event stream relayed frame by frame in its own format: each complete frame is written on once its CRCs
 * checked, usage and generated text are read on the way by the format's {@link EventStreamEvents}, an exception frame
 * ends the stream. No client speaks an AWS event-stream format, so this relay serves as the probe that recognises a
 * stream's first event (and an error before it); its error event is an exception frame.
 */
public final class EventStreamPassthroughRelay extends AbstractStreamRelay {

    /** Reads the frames; each one read without error is written on as it came. */
    private final EventStreamChunkDecoder decoder;

    public EventStreamPassthroughRelay(StreamLimits limits, EventStreamEvents events) {
        this.decoder = new EventStreamChunkDecoder(limits, events);
    }

    @Override
    protected void feed(byte[] chunk) {
        if (over() && upstreamError() != null) {
            return;
        }
        try {
            decoder.decode(chunk, this::keep, frame -> out.writeBytes(frame.encode()));
        } catch (GatewayError e) {
            fail(e);
        }
    }

    @Override
    protected void end() {
        decoder.end(this::keep);
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
        return decoder.complete();
    }
}
