package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.InboundCodec;

/**
 * The OpenAI Responses API format ({@code /v1/responses}), spoken by clients only: no provider type speaks it
 * upstream, so every request is translated. Errors use OpenAI's error shape, as the API does.
 */
@ApplicationScoped
public class OpenAiResponsesInboundCodec implements InboundCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_RESPONSES;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OpenAiResponsesRequests.toCanonical(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return OpenAiResponsesResponses.toWire(response);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return OpenAiErrors.encode(error);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OpenAiResponsesChunkEncoder();
    }
}
