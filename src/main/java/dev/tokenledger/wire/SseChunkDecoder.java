package dev.tokenledger.wire;

import java.util.function.Consumer;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.stream.SseException;

/** Base of the decoders of SSE-framed upstream streams: framing and limits here, the format's events in the subclass. */
public abstract class SseChunkDecoder implements ChunkDecoder {

    private final SseDecoder sse;
    private Consumer<ChatChunk> sink;

    protected SseChunkDecoder(StreamLimits limits) {
        this.sse = new SseDecoder(limits.maxLineBytes(), limits.maxEventBytes()).otherLines(this::otherLine);
    }

    private void otherLine(String line) {
        onOtherLine(line, sink);
    }

    @Override
    public final void decode(byte[] bytes, Consumer<ChatChunk> chunks) {
        this.sink = chunks;
        try {
            sse.feed(bytes, this::dispatch);
        } catch (SseException e) {
            throw protocolError(e.getMessage());
        }
    }

    private void dispatch(SseEvent event) {
        onEvent(event, sink);
    }

    @Override
    public final void end(Consumer<ChatChunk> chunks) {
        this.sink = chunks;
        String partial;
        try {
            partial = sse.finish();
        } catch (SseException e) {
            throw protocolError(e.getMessage());
        }
        onEnd(partial, chunks);
    }

    /** One complete event of the upstream stream. */
    protected abstract void onEvent(SseEvent event, Consumer<ChatChunk> sink);

    /**
     * A line that is no SSE field (see {@link SseDecoder#otherLines}); ignored unless the format gives it a meaning.
     */
    protected void onOtherLine(String line, Consumer<ChatChunk> sink) {
    }

    /**
     * The stream closed.
     *
     * @param partialData the data of an unterminated last event, or null; read it for usage only
     */
    protected void onEnd(String partialData, Consumer<ChatChunk> sink) {
    }

    /** The error for an upstream stream that breaks its format. */
    public static GatewayError protocolError(String message) {
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, message, "upstream_protocol_error");
    }
}
