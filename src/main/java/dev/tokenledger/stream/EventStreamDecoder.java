package dev.tokenledger.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * Byte-level decoder of AWS event streams ({@code application/vnd.amazon.eventstream}, Bedrock's and Kiro's streams):
 * the AWS SDK's own frame codec ({@link MessageDecoder}: prelude, headers, payload, both CRC32 checks), fed chunk by
 * chunk as the bytes arrive, so a frame may be split at any byte. Before a frame is buffered its announced length is
 * checked against the limit. Pure and non-blocking; one instance per stream.
 */
public final class EventStreamDecoder {

    /** Prelude (total length, headers length, prelude CRC) plus the message CRC. */
    private static final int OVERHEAD = 16;

    private final int maxFrameBytes;
    private final List<Message> decoded = new ArrayList<>();
    private final MessageDecoder frames = new MessageDecoder(decoded::add);
    /** Bytes of the current frame still to come; 0 at a frame boundary. */
    private long remaining;
    /** The first bytes of a frame whose length is not known yet. */
    private final byte[] length = new byte[4];
    private int lengthBytes;
    private boolean broken;

    /** @param maxFrameBytes largest frame accepted (prelude, headers, payload and CRC) */
    public EventStreamDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Feeds a chunk of bytes and hands every frame it completes to {@code sink}, in order.
     *
     * @throws EventStreamException when a frame is over the limit, or its framing or a CRC is wrong; the stream is
     *         unusable after that
     */
    public void feed(byte[] chunk, Consumer<EventStreamFrame> sink) {
        if (broken) {
            throw new EventStreamException("The event stream is broken");
        }
        checkLengths(chunk);
        try {
            frames.feed(chunk);
        } catch (RuntimeException e) {
            broken = true;
            throw new EventStreamException("Malformed event-stream frame: " + e.getMessage());
        }
        for (Message message : decoded) {
            sink.accept(EventStreamFrame.of(message));
        }
        decoded.clear();
    }

    /** Walks the frame boundaries in a chunk, refusing a frame whose announced length is out of bounds. */
    private void checkLengths(byte[] chunk) {
        int i = 0;
        while (i < chunk.length) {
            if (remaining > 0) {
                long take = Math.min(remaining, chunk.length - (long) i);
                remaining -= take;
                i += (int) take;
                continue;
            }
            length[lengthBytes++] = chunk[i++];
            if (lengthBytes == 4) {
                long total = ((length[0] & 0xFFL) << 24) | ((length[1] & 0xFFL) << 16) | ((length[2] & 0xFFL) << 8)
                        | (length[3] & 0xFFL);
                lengthBytes = 0;
                if (total < OVERHEAD || total > maxFrameBytes) {
                    broken = true;
                    throw new EventStreamException("Event-stream frame of " + total + " bytes is outside 16.."
                            + maxFrameBytes);
                }
                remaining = total - 4;
            }
        }
    }

    /**
     * The stream ended: whether it ended between two frames.
     *
     * @return true when no partial frame is left
     */
    public boolean finish() {
        return remaining == 0 && lengthBytes == 0;
    }
}
