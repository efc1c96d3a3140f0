package dev.tokenledger.wire.ollama;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.UpstreamCodec;

/** Ollama's native chat format, spoken to an upstream. */
@ApplicationScoped
public class OllamaUpstreamCodec implements UpstreamCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OLLAMA;
    }

    @Override
    public byte[] encodeRequest(ChatRequest request, String upstreamModel) {
        return OllamaChatRequests.toWire(request, upstreamModel);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body) {
        return OllamaChatResponses.toCanonical(body);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return OllamaChatResponses.usage(body);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new OllamaChunkDecoder(limits);
    }

    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new OllamaPassthroughRelay(limits);
    }
}
