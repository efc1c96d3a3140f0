package dev.tokenledger.wire.ollama;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.InboundCodec;

/** Ollama's native chat format ({@code POST /api/chat}, NDJSON streams), spoken by clients. */
@ApplicationScoped
public class OllamaInboundCodec implements InboundCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OLLAMA;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OllamaChatRequests.toCanonical(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return OllamaChatResponses.toWire(response);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return OllamaErrors.encode(error);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OllamaChunkEncoder();
    }
}
