package dev.tokenledger.wire.gemini;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.UpstreamCodec;

/** The Gemini API format, spoken to an upstream. */
@ApplicationScoped
public class GeminiUpstreamCodec implements UpstreamCodec {

    @Override
    public WireFormat format() {
        return WireFormat.GEMINI;
    }

    @Override
    public byte[] encodeRequest(ChatRequest request, String upstreamModel) {
        return GeminiRequests.toWire(request, upstreamModel);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body) {
        return GeminiResponses.toCanonical(body);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return GeminiResponses.usage(body);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new GeminiChunkDecoder(limits);
    }

    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new GeminiPassthroughRelay(limits);
    }
}
