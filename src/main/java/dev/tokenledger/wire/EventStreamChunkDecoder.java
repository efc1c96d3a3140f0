package dev.tokenledger.wire;

import java.util.function.Consumer;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.stream.EventStreamDecoder;
import dev.tokenledger.stream.EventStreamFrame;

/**
 * An AWS event stream as canonical chunks: frames decoded incrementally with both CRCs checked
 * ({@link EventStreamDecoder}), then read by the format's {@link EventStreamEvents}. A broken frame or an exception
 * frame ends the stream with an error.
 */
public final class EventStreamChunkDecoder implements ChunkDecoder {

    private final EventStreamDecoder frames;
    private final EventStreamEvents events;

    public EventStreamChunkDecoder(StreamLimits limits, EventStreamEvents events) {
        this.frames = new EventStreamDecoder(limits.maxEventBytes());
        this.events = events;
    }

    @Override
    public void decode(byte[] bytes, Consumer<ChatChunk> sink) {
        decode(bytes, sink, frame -> {
        });
    }

    /**
     * Decodes like {@link #decode(byte[], Consumer)}, and hands each frame to {@code read} once its events were read
     * without error.
     */
    void decode(byte[] bytes, Consumer<ChatChunk> sink, Consumer<EventStreamFrame> read) {
        EventStreamEvents.feed(frames, bytes, frame -> {
            events.onFrame(frame, sink);
            read.accept(frame);
        });
    }

    @Override
    public void end(Consumer<ChatChunk> sink) {
        // a partial frame carries nothing readable: the stream is truncated
        if (frames.finish()) {
            events.onEnd(sink);
        }
    }

    @Override
    public boolean complete() {
        return events.stopped();
    }
}
