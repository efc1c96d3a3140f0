package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;
import java.util.function.Function;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;

/**
 * A stream whose upstream and client speak different formats: the upstream's decoder turns bytes into canonical
 * chunks, the client's encoder writes them in the client's format, chunk by chunk as they arrive. Usage and generated
 * text are read from the chunks on the way.
 */
public final class TranslatingRelay extends AbstractStreamRelay {

    private final ChunkDecoder decoder;
    private final ChunkEncoder encoder;
    private final Function<CharSequence, Usage> estimate;
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
    protected void feed(byte[] chunk) {
        if (over()) {
            return;
        }
        try {
            decoder.decode(chunk, this::onChunk);
        } catch (GatewayError e) {
            fail(e);
        }
    }

    private void onChunk(ChatChunk chunk) {
        keep(chunk);
        encoder.encode(chunk, out);
    }

    @Override
    protected void end() {
        if (over()) {
            return;
        }
        try {
            decoder.end(this::onChunk);
        } catch (GatewayError e) {
            fail(e);
            return;
        }
        if (decoder.complete()) {
            finished = true;
            // a report of units without token counts (Kiro's credits) keeps its units, with tokens counted here
            encoder.finish(usage == null
                    ? estimate.apply(generatedText())
                    : usage.source() == Usage.Source.ESTIMATED
                            ? estimate.apply(generatedText()).withDetail(usage.detail())
                            : usage,
                    out);
        }
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        encoder.error(error, out);
    }

    @Override
    protected boolean done() {
        return finished;
    }
}
