package dev.tokenledger.wire;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;

/**
 * The upstream side of a chat wire format: what the gateway needs to talk to a provider that speaks it. It writes the
 * canonical request in this format and reads the upstream's answers, usage and streams back. A format no provider
 * speaks has none. Implementations are pure mappers, registered as CDI beans (see {@link UpstreamCodecs}); the
 * provider adapter adds only transport (URL, credentials, headers, error bodies).
 */
public interface UpstreamCodec {

    WireFormat format();

    /** The canonical request to this format's request body, for the given upstream model. */
    byte[] encodeRequest(ChatRequest request, String upstreamModel);

    /** A complete answer body to the canonical response. */
    ChatResponse decodeResponse(byte[] body);

    /** Reads only the usage of a complete answer body (fast path); null when the body reports none. */
    Usage decodeUsage(byte[] body);

    /** A decoder for one stream in this format, answering the given request. */
    ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits);

    /**
     * A relay for one stream whose client speaks this format too: bytes pass through, usage is read in flight. Also
     * reads a stream's first event before the deployment is committed to.
     */
    StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits);
}
