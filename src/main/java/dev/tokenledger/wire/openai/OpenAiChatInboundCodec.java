package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.InboundCodec;

/** The OpenAI Chat Completions format ({@code /v1/chat/completions}), spoken by clients. */
@ApplicationScoped
public class OpenAiChatInboundCodec implements InboundCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_CHAT;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OpenAiChatRequests.toCanonical(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return OpenAiChatResponses.toWire(response);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return OpenAiErrors.encode(error);
    }

    @Override
    public byte[] encodeAsStream(ChatResponse response, boolean includeUsage) {
        return OpenAiChatStreams.toEvents(response, includeUsage);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OpenAiChunkEncoder(request.includeUsage());
    }
}
