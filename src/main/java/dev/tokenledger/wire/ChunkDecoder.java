package dev.tokenledger.wire;

import java.util.function.Consumer;

import dev.tokenledger.canonical.ChatChunk;

/**
 * Reads one upstream stream of a wire format into canonical chunks, whatever its framing (SSE, NDJSON). One instance
 * per stream, called from one thread at a time. The first chunk it emits is a {@link ChatChunk.Start}.
 */
public interface ChunkDecoder {

    /**
     * Upstream bytes in, chunks out. Bytes may be split anywhere, including inside a UTF-8 sequence or a line end.
     *
     * @throws dev.tokenledger.canonical.GatewayError when the upstream reports an error inside the stream, or breaks
     *         the framing or the limits; the stream is over then
     */
    void decode(byte[] bytes, Consumer<ChatChunk> sink);

    /**
     * The upstream closed the stream: emit what the last bytes still hold (a final usage report may sit in an
     * unterminated event; it is read, never forwarded as content).
     */
    void end(Consumer<ChatChunk> sink);

    /** Whether the upstream delivered its format's terminal signal, i.e. the answer is complete. */
    boolean complete();
}
