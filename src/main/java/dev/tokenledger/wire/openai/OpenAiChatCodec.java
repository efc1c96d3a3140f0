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

/** The OpenAI Chat Completions format. */
@ApplicationScoped
public class OpenAiChatCodec implements ChatCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_CHAT;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OpenAiChatRequests.toCanonical(body);
    }

    @Override
    public byte[] encodeRequest(ChatRequest request, String upstreamModel) {
        return OpenAiChatRequests.toWire(request, upstreamModel);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body) {
        return OpenAiChatResponses.toCanonical(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return OpenAiChatResponses.toWire(response);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return OpenAiChatResponses.usage(body);
    }

    @Override
    public String decodeErrorMessage(byte[] body) {
        return OpenAiErrors.message(body);
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
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new OpenAiPassthroughRelay(request.includeUsage(), limits);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new OpenAiChunkDecoder(limits);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OpenAiChunkEncoder(request.includeUsage());
    }
}
