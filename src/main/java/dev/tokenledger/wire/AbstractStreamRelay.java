package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;

/**
 * The bookkeeping every relay shares, whatever its formats: the client bytes of one call, the usage the upstream
 * reported, the error that ended the stream, and the rules around them. The client stream ends once, with the
 * upstream's terminal signal or with one error event in the client's format; nothing is written after that. A stream
 * that closes before its terminal signal ends with the error of a truncated stream; usage read from a stream that did
 * not complete is partial. A subclass reads the upstream's framing and events ({@link #feed}, {@link #end}), writing
 * the client's bytes to {@link #out}, and says when the upstream is {@link #done}.
 */
public abstract class AbstractStreamRelay implements StreamRelay {

    /** The client bytes of the current call. */
    protected final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    /** The usage the upstream reported last, or null. */
    protected Usage usage;
    private GatewayError upstreamError;
    /** The text {@link #keep} kept, from the first chunk that generated some. */
    private GeneratedText generated;

    @Override
    public final byte[] onUpstreamBytes(byte[] chunk) {
        out.reset();
        feed(chunk);
        return out.toByteArray();
    }

    /**
     * Reads upstream bytes, writing the client's bytes to {@link #out}.
     *
     * @throws GatewayError when the upstream breaks the stream's framing or limits, for relays that do not answer that
     *         with an error event themselves
     */
    protected abstract void feed(byte[] chunk);

    @Override
    public final byte[] onUpstreamEnd() {
        out.reset();
        end();
        if (!over()) {
            fail(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                    "The upstream closed the stream before it was complete.", "upstream_stream_truncated"));
        }
        return out.toByteArray();
    }

    /**
     * The upstream closed the stream: reads what the framing still holds (a last event without its terminator),
     * writing the client's bytes to {@link #out}. A stream that is neither {@link #done} nor failed after this is
     * truncated.
     */
    protected abstract void end();

    @Override
    public final byte[] onFailure(GatewayError error) {
        if (over()) {
            return new byte[0];
        }
        out.reset();
        fail(error);
        return out.toByteArray();
    }

    /** Ends the client stream with the client format's error event for {@code error}. */
    protected final void fail(GatewayError error) {
        upstreamError = error;
        writeError(error, out);
    }

    /** Ends the client stream with {@code event}, an error event already in the client's format. */
    protected final void fail(GatewayError error, byte[] event) {
        upstreamError = error;
        out.writeBytes(event);
    }

    /**
     * Keeps what a canonical chunk read from the upstream's events tells the bookkeeping: the usage of a usage report,
     * else the text it generated (see {@link #generatedText}).
     */
    protected final void keep(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.UsageReport report) {
            usage = report.usage();
        } else {
            if (generated == null) {
                generated = new GeneratedText();
            }
            generated.add(chunk);
        }
    }

    /** The text the chunks given to {@link #keep} generated; a relay that reads its format's events itself overrides this. */
    @Override
    public CharSequence generatedText() {
        return generated == null ? "" : generated.text();
    }

    /** Writes the client format's error event for {@code error}. */
    protected abstract void writeError(GatewayError error, ByteArrayOutputStream out);

    /** Whether the upstream delivered its terminal signal. */
    protected abstract boolean done();

    /** Whether the client stream has ended, normally or with an error. */
    protected final boolean over() {
        return done() || upstreamError != null;
    }

    @Override
    public final boolean complete() {
        return done() && upstreamError == null;
    }

    @Override
    public final GatewayError upstreamError() {
        return upstreamError;
    }

    /** The usage reported so far; partial unless the stream completed. */
    @Override
    public final Usage reportedUsage() {
        return usage == null || complete() || usage.source() == Usage.Source.ESTIMATED
                ? usage
                : usage.withSource(Usage.Source.PROVIDER_PARTIAL);
    }
}
