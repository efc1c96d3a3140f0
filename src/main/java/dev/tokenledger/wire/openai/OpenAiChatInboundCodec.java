package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedInboundCodec;

/** The OpenAI Chat Completions format ({@code /v1/chat/completions}), spoken by clients. */
@ApplicationScoped
public class OpenAiChatInboundCodec extends MappedInboundCodec {

    public OpenAiChatInboundCodec() {
        super(WireFormat.OPENAI_CHAT, OpenAiChatRequests::toCanonical, OpenAiChatResponses::toWire, OpenAiErrors::encode,
                request -> new OpenAiChunkEncoder(request.includeUsage()));
    }

    @Override
    public byte[] encodeAsStream(ChatResponse response, boolean includeUsage) {
        return OpenAiChatStreams.toEvents(response, includeUsage);
    }
}
