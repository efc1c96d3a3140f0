package dev.tokenledger.wire;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.stream.SseException;

/**
 * Base of the pass-through relays of SSE-framed formats: framing and limits here, each complete event with its
 * original bytes to the subclass, which forwards it, holds it back or ends the stream.
 */
public abstract class SsePassthroughRelay extends AbstractStreamRelay {

    private final SseDecoder sse;

    protected SsePassthroughRelay(StreamLimits limits) {
        this.sse = new SseDecoder(limits.maxLineBytes(), limits.maxEventBytes()).otherLines(this::onOtherLine);
    }

    @Override
    protected final void feed(byte[] chunk) {
        try {
            sse.feed(chunk, this::onEvent);
        } catch (SseException e) {
            onBrokenFraming(SseChunkDecoder.protocolError(e.getMessage()));
        }
    }

    /** One complete event of the upstream stream. */
    protected abstract void onEvent(SseEvent event);

    /**
     * A line that is no SSE field (see {@link SseDecoder#otherLines}); ignored unless the format gives it a meaning.
     */
    protected void onOtherLine(String line) {
    }

    /**
     * The upstream broke the framing or the limits: thrown to the caller (see {@link StreamRelay#onUpstreamBytes}),
     * unless the format answers it with its own error event.
     */
    protected void onBrokenFraming(GatewayError error) {
        throw error;
    }

    /**
     * Ends the framing.
     *
     * @return the data of an unterminated last event, or null; never forwarded, read for usage only
     * @throws SseException when that last line is not valid UTF-8
     */
    protected final String finishFraming() {
        return sse.finish();
    }
}
