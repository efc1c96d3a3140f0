package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.InboundCodec;

/**
 * Legacy OpenAI text completions ({@code /v1/completions}), spoken by clients only. The gateway translates them to
 * chat for every upstream (OpenAI-type providers included: their {@code /v1/completions} is not used), so answers
 * and streams are re-encoded as {@code text_completion} objects. Errors use OpenAI's error shape.
 */
@ApplicationScoped
public class OpenAiCompletionsInboundCodec implements InboundCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_COMPLETIONS;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OpenAiCompletionsRequests.toCanonical(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return OpenAiCompletionsResponses.toWire(response);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return OpenAiErrors.encode(error);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OpenAiCompletionsChunkEncoder(request.includeUsage());
    }
}
