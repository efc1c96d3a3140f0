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

    /**
     * Client side: refuses, with a 400 naming the field, a request that uses what this format can express but the
     * canonical model cannot carry to an upstream of another format (e.g. Anthropic server tools or document blocks).
     * Called only when the upstream speaks another format; such a request still passes to an upstream of this format.
     */
    default void checkTranslatable(ChatRequest request, WireFormat upstream) {
    }

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

    /** Client side: the HTTP status of an error in this format (Anthropic answers overload with 529). */
    default int errorStatus(GatewayError error) {
        return error.httpStatus();
    }

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

    /** Upstream side: a decoder for one stream in this format, answering the given request. */
    ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits);

    /** Client side: an encoder writing one stream in this format, answering the given request. */
    ChunkEncoder streamEncoder(ChatRequest request);
}
