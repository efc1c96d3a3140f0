package dev.tokenledger.wire.anthropic;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.UpstreamCodec;

/** The Anthropic Messages format, spoken to an upstream. */
@ApplicationScoped
public class AnthropicUpstreamCodec implements UpstreamCodec {

    @Override
    public WireFormat format() {
        return WireFormat.ANTHROPIC;
    }

    @Override
    public byte[] encodeRequest(ChatRequest request, String upstreamModel) {
        return AnthropicRequests.toWire(request, upstreamModel);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body) {
        return AnthropicResponses.toCanonical(body, System.currentTimeMillis() / 1000);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return AnthropicResponses.usage(body);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new AnthropicChunkDecoder(limits);
    }

    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new AnthropicPassthroughRelay(limits);
    }
}
