package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;
import java.util.function.Function;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;

/**
 * A stream whose upstream and client speak different formats: the upstream's decoder turns bytes into canonical
 * chunks, the client's encoder writes them in the client's format, chunk by chunk as they arrive. Usage and generated
 * text are read from the chunks on the way.
 */
public final class TranslatingRelay implements StreamRelay {

    private static final byte[] NONE = new byte[0];

    private final ChunkDecoder decoder;
    private final ChunkEncoder encoder;
    private final Function<CharSequence, Usage> estimate;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private final GeneratedText text = new GeneratedText();
    private Usage usage;
    private GatewayError upstreamError;
    private boolean finished;

    /**
     * @param estimate the usage of the request given the generated text, for a stream that reports none
     */
    public TranslatingRelay(ChunkDecoder decoder, ChunkEncoder encoder, Function<CharSequence, Usage> estimate) {
        this.decoder = decoder;
        this.encoder = encoder;
        this.estimate = estimate;
    }

    @Override
    public byte[] onUpstreamBytes(byte[] chunk) {
        if (over()) {
            return NONE;
        }
        out.reset();
        try {
            decoder.decode(chunk, this::onChunk);
        } catch (GatewayError e) {
            fail(e);
        }
        return out.toByteArray();
    }

    private void onChunk(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.UsageReport report) {
            usage = report.usage();
        } else {
            text.add(chunk);
        }
        encoder.encode(chunk, out);
    }

    @Override
    public byte[] onUpstreamEnd() {
        if (over()) {
            return NONE;
        }
        out.reset();
        try {
            decoder.end(this::onChunk);
        } catch (GatewayError e) {
            fail(e);
            return out.toByteArray();
        }
        if (decoder.complete()) {
            finished = true;
            encoder.finish(usage != null ? usage : estimate.apply(text.text()), out);
        } else {
            fail(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    "The upstream closed the stream before it was complete.", "upstream_stream_truncated"));
        }
        return out.toByteArray();
    }

    @Override
    public byte[] onFailure(GatewayError error) {
        if (over()) {
            return NONE;
        }
        out.reset();
        fail(error);
        return out.toByteArray();
    }

    private void fail(GatewayError error) {
        upstreamError = error;
        encoder.error(error, out);
    }

    private boolean over() {
        return finished || upstreamError != null;
    }

    @Override
    public boolean complete() {
        return finished;
    }

    @Override
    public GatewayError upstreamError() {
        return upstreamError;
    }

    @Override
    public Usage reportedUsage() {
        if (usage == null) {
            return null;
        }
        return finished ? usage : usage.withSource(Usage.Source.PROVIDER_PARTIAL);
    }

    @Override
    public CharSequence generatedText() {
        return text.text();
    }
}
