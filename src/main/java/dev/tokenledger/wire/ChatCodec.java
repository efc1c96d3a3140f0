package dev.tokenledger.wire;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;

/**
 * Everything the gateway knows about one chat wire format, used from both ends: by the inbound API that speaks it to
 * clients and by provider adapters that speak it to upstreams. Implementations are pure mappers.
 */
public interface ChatCodec {

    WireFormat format();

    /** Client side: an inbound request body to the canonical request. */
    ChatRequest decodeRequest(byte[] body);

    /** Upstream side: the canonical request to this format's request body, for the given upstream model. */
    byte[] encodeRequest(ChatRequest request, String upstreamModel);

    /** Upstream side: a complete answer body to the canonical response. */
    ChatResponse decodeResponse(byte[] body);

    /** Client side: the canonical response to this format's answer body. */
    byte[] encodeResponse(ChatResponse response);

    /** Reads only the usage of a complete answer body (fast path); null when the body reports none. */
    Usage decodeUsage(byte[] body);

    /** The human-readable message of an upstream error body in this format, or null when there is none. */
    String decodeErrorMessage(byte[] body);

    /** Client side: the error body of this format. */
    byte[] encodeError(GatewayError error);

    /**
     * Client side: a complete answer as this format's event stream, as an upstream would have streamed it (a cached
     * answer replayed to a streaming client). Formats that cannot do this answer unsupported, and the caller then
     * treats the answer as not replayable.
     *
     * @param includeUsage whether the client asked for a usage report in the stream
     */
    default byte[] encodeAsStream(ChatResponse response, boolean includeUsage) {
        throw GatewayError.of(dev.tokenledger.canonical.ErrorKind.UNSUPPORTED,
                "This API cannot replay a complete answer as a stream.");
    }

    /**
     * A relay for one stream whose upstream and client both speak this format: bytes pass through, usage is read in
     * flight.
     */
    StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits);
}
