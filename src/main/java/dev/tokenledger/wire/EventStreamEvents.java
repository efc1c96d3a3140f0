package dev.tokenledger.wire;

import java.util.UUID;
import java.util.function.Consumer;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.stream.EventStreamDecoder;
import dev.tokenledger.stream.EventStreamException;
import dev.tokenledger.stream.EventStreamFrame;

/**
 * The events of one AWS event stream ({@code application/vnd.amazon.eventstream}: Bedrock's, Kiro's) read frame by
 * frame into canonical chunks; one instance per stream. {@link EventStreamChunkDecoder} (on its own, or inside
 * {@link EventStreamPassthroughRelay}) feeds it the frames the byte decoder completes.
 */
public interface EventStreamEvents {

    /**
     * Reads one complete frame (both CRCs checked).
     *
     * @throws GatewayError when the frame reports an error or is malformed; the stream is over then
     */
    void onFrame(EventStreamFrame frame, Consumer<ChatChunk> sink);

    /** The upstream closed the stream between two frames: emit what that end means (by default nothing). */
    default void onEnd(Consumer<ChatChunk> sink) {
    }

    /** Whether the answer is complete. */
    boolean stopped();

    /**
     * The start of an answer whose stream names no message id (Converse and Kiro name none), emitted once, before the
     * answer's first chunk: a new id with the format's prefix, created then.
     */
    final class StartOnce {

        private final String idPrefix;
        private boolean emitted;

        public StartOnce(String idPrefix) {
            this.idPrefix = idPrefix;
        }

        /** Emits the start, unless it was emitted already. */
        public void emit(Consumer<ChatChunk> sink) {
            if (!emitted) {
                emitted = true;
                sink.accept(new ChatChunk.Start(idPrefix + UUID.randomUUID().toString().replace("-", ""), null,
                        System.currentTimeMillis() / 1000));
            }
        }

        /** Whether the start was emitted. */
        public boolean emitted() {
            return emitted;
        }
    }

    /**
     * Feeds event-stream bytes to {@code frames}, handing each frame they complete to {@code onFrame}.
     *
     * @throws GatewayError {@link #broken} when a frame is broken, or what {@code onFrame} throws
     */
    static void feed(EventStreamDecoder frames, byte[] bytes, Consumer<EventStreamFrame> onFrame) {
        try {
            frames.feed(bytes, onFrame);
        } catch (EventStreamException e) {
            throw broken(e.getMessage());
        }
    }

    /** The error for a stream whose framing is broken. */
    static GatewayError broken(String message) {
        return SseChunkDecoder.protocolError("The upstream event stream is broken: " + message);
    }
}
