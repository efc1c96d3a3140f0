package dev.tokenledger.wire.gemini;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.stream.SseDecoder;

/**
 * Rewrites a Gemini client stream from SSE framing ({@code alt=sse}) to the framing Google uses without it: one JSON
 * array, written element by element as the events arrive ({@code [{…},\r\n{…}]}). An error object written outside
 * the SSE framing becomes the array's last element, as Google writes it. One instance per stream.
 */
public final class GeminiArrayStream {

    private static final int MAX_BYTES = 1 << 24;

    private final SseDecoder sse = new SseDecoder(MAX_BYTES, MAX_BYTES).otherLines(this::otherLine);
    private final GeminiBareJson bare = new GeminiBareJson();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private boolean started;

    /** The array bytes for some SSE bytes of the stream, possibly none. */
    public byte[] onBytes(byte[] chunk) {
        out.reset();
        sse.feed(chunk, event -> element(event.data()));
        return out.toByteArray();
    }

    /** The bytes that close the array. */
    public byte[] end() {
        out.reset();
        sse.finish();
        if (!started) {
            out.write('[');
        }
        out.write(']');
        return out.toByteArray();
    }

    private void otherLine(String line) {
        ObjectNode error = bare.add(line);
        if (error != null) {
            element(error.toString());
        }
    }

    private void element(String json) {
        out.writeBytes((started ? ",\r\n" : "[").getBytes(StandardCharsets.US_ASCII));
        started = true;
        out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
    }
}
