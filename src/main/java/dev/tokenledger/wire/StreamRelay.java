package dev.tokenledger.wire;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;

/**
 * Turns one upstream stream into one client stream, chunk by chunk, and reads usage on the way. One instance per
 * stream; called from one thread at a time.
 */
public interface StreamRelay {

    /**
     * Upstream bytes in, client bytes out.
     *
     * @return the bytes to write to the client now, possibly empty
     * @throws GatewayError when the upstream breaks the stream's framing or limits
     */
    byte[] onUpstreamBytes(byte[] chunk);

    /**
     * The upstream ended the stream; the bytes that finish the client stream, possibly empty. A stream that ends
     * before its terminal event is answered with the client format's error event.
     */
    byte[] onUpstreamEnd();

    /**
     * The stream failed after it started; the client format's error event, or nothing when the client stream has
     * already ended (normally or with an error).
     */
    byte[] onFailure(GatewayError error);

    /** Whether the upstream delivered its terminal event, i.e. the answer is complete. */
    boolean complete();

    /**
     * The error that ended the stream (reported by the upstream inside the stream, or a broken stream), or null. Once
     * set, the relay has written the client's error event and the upstream can be dropped.
     */
    GatewayError upstreamError();

    /** The usage the upstream reported so far, or null when it reported none. */
    Usage reportedUsage();

    /** The text and tool-call arguments the upstream produced so far, for estimating usage it did not report. */
    CharSequence generatedText();
}
