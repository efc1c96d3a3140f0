package dev.tokenledger.wire.ollama;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChatCodec;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;

/** Ollama's native chat format ({@code POST /api/chat}, NDJSON streams). */
@ApplicationScoped
public class OllamaChatCodec implements ChatCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OLLAMA;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OllamaChatRequests.toCanonical(body);
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
    public byte[] encodeResponse(ChatResponse response) {
        return OllamaChatResponses.toWire(response);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return OllamaChatResponses.usage(body);
    }

    @Override
    public String decodeErrorMessage(byte[] body) {
        return OllamaErrors.message(body);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return OllamaErrors.encode(error);
    }

    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new OllamaPassthroughRelay(limits);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new OllamaChunkDecoder(limits);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OllamaChunkEncoder();
    }
}
