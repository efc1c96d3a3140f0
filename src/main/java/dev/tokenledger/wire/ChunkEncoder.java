package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;

/**
 * Writes canonical chunks as one client stream of a wire format, each event complete in one write. One instance per
 * stream, called from one thread at a time. An encoder may hold a chunk back when its format needs to know more first
 * (e.g. Anthropic sends the stop reason together with the final usage).
 */
public interface ChunkEncoder {

    /** The events for one chunk, possibly none. */
    void encode(ChatChunk chunk, ByteArrayOutputStream out);

    /**
     * The answer is complete: the events that end the stream in this format (final usage, terminator).
     *
     * @param usage the final usage, reported by the upstream or estimated; never null
     */
    void finish(Usage usage, ByteArrayOutputStream out);

    /** The stream failed: this format's error event. Nothing is written after it. */
    void error(GatewayError error, ByteArrayOutputStream out);
}
