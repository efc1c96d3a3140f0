package dev.tokenledger.stream;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.util.function.Consumer;

/**
 * Byte-level server-sent-events decoder following the WHATWG parsing rules. Lines end at CRLF, LF or CR, even when the
 * terminator is split across network chunks; complete lines only are decoded, strictly, as UTF-8, so a multi-byte
 * character split across chunks is never corrupted. Not thread-safe: one instance per stream.
 */
public final class SseDecoder {

    private static final byte CR = 0x0D;
    private static final byte LF = 0x0A;

    private final int maxLineBytes;
    private final int maxEventBytes;
    private final CharsetDecoder utf8 = Bytes.strictUtf8();

    private final Bytes line = new Bytes(256);
    private final Bytes raw = new Bytes(512);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventType;
    private String lastEventId;
    private boolean sawCr;
    private boolean atStreamStart = true;
    private Consumer<String> otherLines;

    /**
     * @param maxLineBytes longest line accepted
     * @param maxEventBytes largest event (all its lines) accepted
     */
    public SseDecoder(int maxLineBytes, int maxEventBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Hands every line that is not an SSE field ({@code data}, {@code event}, {@code id}, {@code retry}) or a comment
     * to {@code listener}, including an unterminated last line at {@link #finish()}. Such lines are ignored by the SSE
     * rules, but some upstreams write errors that way (Gemini's bare JSON error objects).
     */
    public SseDecoder otherLines(Consumer<String> listener) {
        this.otherLines = listener;
        return this;
    }

    /**
     * Feeds a chunk of bytes and hands every event it completes to {@code sink}.
     *
     * @throws SseException when a line or event exceeds its limit or a line is not valid UTF-8
     */
    public void feed(byte[] chunk, int offset, int length, Consumer<SseEvent> sink) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = chunk[i];
            if (b == CR) {
                raw.add(b);
                sawCr = true;
                endLine(sink, true);
            } else if (b == LF) {
                if (sawCr) {
                    sawCr = false;
                    // the LF of a CRLF whose CR already ended the line; keep it in the raw bytes of an open event
                    if (raw.size > 0) {
                        raw.add(b);
                    }
                } else {
                    raw.add(b);
                    endLine(sink, false);
                }
            } else {
                sawCr = false;
                if (line.size >= maxLineBytes) {
                    throw new SseException("upstream stream line exceeds " + maxLineBytes + " bytes");
                }
                line.add(b);
                raw.add(b);
            }
            if (raw.size > maxEventBytes) {
                throw new SseException("upstream stream event exceeds " + maxEventBytes + " bytes");
            }
        }
    }

    public void feed(byte[] chunk, Consumer<SseEvent> sink) {
        feed(chunk, 0, chunk.length, sink);
    }

    /**
     * Ends the stream. An event that was never terminated by a blank line is not dispatched; its data, if any, is
     * returned so the caller can still read usage from it.
     *
     * @return the data of an unterminated event (including a last line without terminator), or null
     */
    public String finish() {
        if (line.size > 0) {
            String text = decodeLine();
            if (text.equals("data") || text.startsWith("data:")) {
                int colon = text.indexOf(':');
                String value = colon < 0 ? "" : text.substring(colon + 1);
                appendData(value.startsWith(" ") ? value.substring(1) : value);
            } else if (otherLines != null && text.charAt(0) != ':') {
                otherLines.accept(text);
            }
        }
        String partial = hasData ? data.substring(0, data.length() - 1) : null;
        reset();
        return partial;
    }

    private void endLine(Consumer<SseEvent> sink, boolean byCr) {
        if (atStreamStart) {
            atStreamStart = false;
            if (line.size >= 3 && line.buf[0] == (byte) 0xEF && line.buf[1] == (byte) 0xBB && line.buf[2] == (byte) 0xBF) {
                line.dropFirst(3);
                raw.dropFirst(3);
            }
        }
        if (line.size == 0) {
            dispatch(sink, byCr);
            return;
        }
        String text = decodeLine();
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field;
        String value;
        if (colon < 0) {
            field = text;
            value = "";
        } else {
            field = text.substring(0, colon);
            value = text.substring(colon + 1);
            if (!value.isEmpty() && value.charAt(0) == ' ') {
                value = value.substring(1);
            }
        }
        switch (field) {
            case "data" -> appendData(value);
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                // the reconnection time does not affect dispatched events
            }
            default -> {
                // unknown fields do not affect dispatched events
                if (otherLines != null) {
                    otherLines.accept(text);
                }
            }
        }
    }

    private void appendData(String value) {
        data.append(value).append('\n');
        hasData = true;
    }

    /**
     * Dispatches the event a blank line completed. When that blank line ended with CR, the LF of a CRLF may still be
     * on its way in the next chunk; the event's raw bytes get it now (the late LF is then swallowed), so CRLF streams
     * are forwarded byte for byte and lone-CR streams as CRLF.
     */
    private void dispatch(Consumer<SseEvent> sink, boolean byCr) {
        if (!hasData) {
            eventType = null;
            raw.size = 0;
            return;
        }
        data.setLength(data.length() - 1);
        if (byCr) {
            raw.add(LF);
        }
        SseEvent event = new SseEvent(eventType == null ? SseEvent.DEFAULT_TYPE : eventType, data.toString(), lastEventId,
                raw.toArray());
        reset();
        sink.accept(event);
    }

    private void reset() {
        data.setLength(0);
        hasData = false;
        eventType = null;
        raw.size = 0;
        line.size = 0;
    }

    private String decodeLine() {
        try {
            return line.takeText(utf8);
        } catch (CharacterCodingException e) {
            throw new SseException("upstream stream is not valid UTF-8");
        }
    }
}
