package dev.tokenledger.wire.bedrock;

import java.util.function.Consumer;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.stream.EventStreamDecoder;
import dev.tokenledger.stream.EventStreamException;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/**
 * A ConverseStream answer ({@code application/vnd.amazon.eventstream}) as canonical chunks: frames decoded
 * incrementally with both CRCs checked ({@link EventStreamDecoder}), then read by {@link BedrockStreamEvents}. A
 * broken frame or an exception frame ends the stream with an error.
 */
public final class BedrockChunkDecoder implements ChunkDecoder {

    private final EventStreamDecoder frames;
    private final BedrockStreamEvents events = new BedrockStreamEvents();

    public BedrockChunkDecoder(StreamLimits limits) {
        this.frames = new EventStreamDecoder(limits.maxEventBytes());
    }

    @Override
    public void decode(byte[] bytes, Consumer<ChatChunk> sink) {
        try {
            frames.feed(bytes, frame -> events.onFrame(frame, sink));
        } catch (EventStreamException e) {
            throw BedrockStreamEvents.broken(e.getMessage());
        }
    }

    @Override
    public void end(Consumer<ChatChunk> sink) {
        // a partial frame carries nothing readable: the stream is truncated unless messageStop arrived
    }

    @Override
    public boolean complete() {
        return events.stopped();
    }
}
