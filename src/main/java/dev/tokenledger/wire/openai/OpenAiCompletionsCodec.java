package dev.tokenledger.wire.openai;

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

/**
 * Legacy OpenAI text completions ({@code /v1/completions}). The gateway translates them to chat for every upstream
 * (OpenAI-type providers included: their {@code /v1/completions} is not used), so answers and streams are re-encoded
 * as {@code text_completion} objects. Errors use OpenAI's error shape.
 */
@ApplicationScoped
public class OpenAiCompletionsCodec implements ChatCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_COMPLETIONS;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OpenAiCompletionsRequests.toCanonical(body);
    }

    @Override
    public byte[] encodeRequest(ChatRequest request, String upstreamModel) {
        return OpenAiCompletionsRequests.toWire(request, upstreamModel);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body) {
        return OpenAiCompletionsResponses.toCanonical(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return OpenAiCompletionsResponses.toWire(response);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return OpenAiCompletionsResponses.usage(body);
    }

    @Override
    public String decodeErrorMessage(byte[] body) {
        return OpenAiErrors.message(body);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return OpenAiErrors.encode(error);
    }

    /** Completions to completions: the chat relay works as is (same framing, usage chunk and {@code [DONE]}). */
    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new OpenAiPassthroughRelay(request.includeUsage(), limits);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new OpenAiCompletionsChunkDecoder(limits);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OpenAiCompletionsChunkEncoder(request.includeUsage());
    }
}
