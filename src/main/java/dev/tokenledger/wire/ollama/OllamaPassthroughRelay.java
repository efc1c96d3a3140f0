package dev.tokenledger.wire.ollama;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.NdjsonDecoder;
import dev.tokenledger.stream.NdjsonException;
import dev.tokenledger.wire.AbstractStreamRelay;
import dev.tokenledger.wire.GeneratedText;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/**
 * Ollama stream to Ollama client: every line is forwarded as it came (LF-terminated), while the stream decoder reads
 * the counts and the generated text from it. An error line, or a stream that ends before its {@code done: true}
 * object, ends the client stream with an {@code {"error":…}} line.
 */
public final class OllamaPassthroughRelay extends AbstractStreamRelay {

    private final NdjsonDecoder ndjson;
    /** Reads each line; its own framing is not used. */
    private final OllamaChunkDecoder decoder;
    private final StringBuilder text = new StringBuilder();

    public OllamaPassthroughRelay(StreamLimits limits) {
        this.ndjson = new NdjsonDecoder(limits.maxLineBytes());
        this.decoder = new OllamaChunkDecoder(limits);
    }

    @Override
    protected void feed(byte[] chunk) {
        if (upstreamError() != null) {
            return;
        }
        try {
            ndjson.feed(chunk, this::forward);
        } catch (NdjsonException e) {
            fail(SseChunkDecoder.protocolError(e.getMessage()));
        } catch (GatewayError e) {
            fail(e);
        }
    }

    /** Reads one line and, unless it is the upstream's error, forwards it as it came. */
    private void forward(String line) {
        if (decoder.complete()) {
            return;
        }
        decoder.line(line, this::observe);
        out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    private void observe(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.UsageReport report) {
            usage = report.usage();
        } else if (text.length() < GeneratedText.MAX_CHARS) {
            if (chunk instanceof ChatChunk.Text t) {
                text.append(t.text());
            } else if (chunk instanceof ChatChunk.Reasoning r) {
                text.append(r.text());
            } else if (chunk instanceof ChatChunk.ToolArguments a) {
                text.append(a.fragment());
            }
        }
    }

    @Override
    protected void end() {
        if (over()) {
            return;
        }
        try {
            String last = ndjson.finish();
            // a JSON object delimits itself: a last line without its LF still counts when it is complete
            if (last != null && Json.tryParseObject(last) != null) {
                forward(last);
            }
        } catch (NdjsonException e) {
            fail(SseChunkDecoder.protocolError(e.getMessage()));
        } catch (GatewayError e) {
            fail(e);
        }
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(OllamaErrors.line(error));
    }

    @Override
    protected boolean done() {
        return decoder.complete();
    }

    @Override
    public CharSequence generatedText() {
        return text;
    }
}
