package dev.tokenledger.wire.ollama;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.stream.NdjsonDecoder;
import dev.tokenledger.stream.NdjsonException;
import dev.tokenledger.wire.Json;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;

/**
 * Ollama stream to Ollama client: every line is forwarded as it came (LF-terminated), while the stream decoder reads
 * the counts and the generated text from it. An error line, or a stream that ends before its {@code done: true}
 * object, ends the client stream with an {@code {"error":…}} line.
 */
public final class OllamaPassthroughRelay implements StreamRelay {

    private static final int MAX_TEXT_CHARS = 1 << 20;

    private final NdjsonDecoder ndjson;
    /** Reads each line; its own framing is not used. */
    private final OllamaChunkDecoder decoder;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private final StringBuilder text = new StringBuilder();
    private Usage usage;
    private GatewayError upstreamError;

    public OllamaPassthroughRelay(StreamLimits limits) {
        this.ndjson = new NdjsonDecoder(limits.maxLineBytes());
        this.decoder = new OllamaChunkDecoder(limits);
    }

    @Override
    public byte[] onUpstreamBytes(byte[] chunk) {
        out.reset();
        if (upstreamError != null) {
            return new byte[0];
        }
        try {
            ndjson.feed(chunk, this::forward);
        } catch (NdjsonException e) {
            fail(SseChunkDecoder.protocolError(e.getMessage()));
        } catch (GatewayError e) {
            fail(e);
        }
        return out.toByteArray();
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
        } else if (text.length() < MAX_TEXT_CHARS) {
            if (chunk instanceof ChatChunk.Text t) {
                text.append(t.text());
            } else if (chunk instanceof ChatChunk.Reasoning r) {
                text.append(r.text());
            } else if (chunk instanceof ChatChunk.ToolArguments a) {
                text.append(a.fragment());
            }
        }
    }

    private void fail(GatewayError error) {
        upstreamError = error;
        out.writeBytes(OllamaErrors.line(error));
    }

    @Override
    public byte[] onUpstreamEnd() {
        out.reset();
        if (upstreamError != null || decoder.complete()) {
            return new byte[0];
        }
        try {
            String last = ndjson.finish();
            // a JSON object delimits itself: a last line without its LF still counts when it is complete
            if (last != null && Json.tryParseObject(last) != null) {
                forward(last);
            }
        } catch (NdjsonException e) {
            fail(SseChunkDecoder.protocolError(e.getMessage()));
            return out.toByteArray();
        } catch (GatewayError e) {
            fail(e);
            return out.toByteArray();
        }
        if (!decoder.complete()) {
            fail(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    "The upstream closed the stream before it was complete.", "upstream_stream_truncated"));
        }
        return out.toByteArray();
    }

    @Override
    public byte[] onFailure(GatewayError error) {
        if (upstreamError != null || decoder.complete()) {
            return new byte[0];
        }
        out.reset();
        fail(error);
        return out.toByteArray();
    }

    @Override
    public boolean complete() {
        return decoder.complete() && upstreamError == null;
    }

    @Override
    public GatewayError upstreamError() {
        return upstreamError;
    }

    @Override
    public Usage reportedUsage() {
        return usage == null || complete() ? usage : usage.withSource(Usage.Source.PROVIDER_PARTIAL);
    }

    @Override
    public CharSequence generatedText() {
        return text;
    }
}
