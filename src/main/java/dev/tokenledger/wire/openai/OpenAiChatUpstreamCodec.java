package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.UpstreamCodec;

/** The OpenAI Chat Completions format, spoken to an upstream. */
@ApplicationScoped
public class OpenAiChatUpstreamCodec implements UpstreamCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_CHAT;
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
    public Usage decodeUsage(byte[] body) {
        return OpenAiChatResponses.usage(body);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new OpenAiChunkDecoder(limits);
    }

    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new OpenAiPassthroughRelay(request.includeUsage(), limits);
    }
}
