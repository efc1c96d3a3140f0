package dev.tokenledger.stream;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.util.function.Consumer;

/**
 * Byte-level newline-delimited JSON decoder (Ollama's native streams): lines end at LF, one trailing CR is stripped,
 * blank lines are skipped. Complete lines only are decoded, strictly, as UTF-8, so a multi-byte character split across
 * network chunks is never corrupted. The lines are not parsed here. Not thread-safe: one instance per stream.
 */
public final class NdjsonDecoder {

    private static final byte CR = 0x0D;
    private static final byte LF = 0x0A;

    private final int maxLineBytes;
    private final CharsetDecoder utf8 = Bytes.strictUtf8();
    private final Bytes line = new Bytes(256);

    /** @param maxLineBytes longest line accepted, without its terminator */
    public NdjsonDecoder(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Feeds a chunk of bytes and hands every non-blank line it completes, without its terminator, to {@code sink}.
     *
     * @throws NdjsonException when a line exceeds the limit or is not valid UTF-8
     */
    public void feed(byte[] chunk, Consumer<String> sink) {
        for (byte b : chunk) {
            if (b == LF) {
                if (line.size > 0 && line.buf[line.size - 1] == CR) {
                    line.size--;
                }
                String text = take();
                if (!text.isBlank()) {
                    sink.accept(text);
                }
            } else {
                // a CR that a LF will strip still counts: the limit is on what is buffered
                if (line.size >= maxLineBytes + 1 || (line.size == maxLineBytes && b != CR)) {
                    throw new NdjsonException("upstream stream line exceeds " + maxLineBytes + " bytes");
                }
                line.add(b);
            }
        }
    }

    /**
     * Ends the stream.
     *
     * @return the text of a last line that no LF terminated (a trailing CR stripped), or null when there is none
     * @throws NdjsonException when that line is not valid UTF-8
     */
    public String finish() {
        if (line.size > 0 && line.buf[line.size - 1] == CR) {
            line.size--;
        }
        String text = take();
        return text.isBlank() ? null : text;
    }

    private String take() {
        try {
            return line.takeText(utf8);
        } catch (CharacterCodingException e) {
            line.size = 0;
            throw new NdjsonException("upstream stream is not valid UTF-8");
        }
    }
}
