package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedUpstreamCodec;

/** The OpenAI Chat Completions format, spoken to an upstream. */
@ApplicationScoped
public class OpenAiChatUpstreamCodec extends MappedUpstreamCodec {

    public OpenAiChatUpstreamCodec() {
        super(WireFormat.OPENAI_CHAT, OpenAiChatRequests::toWire, OpenAiChatResponses::toCanonical, OpenAiChatResponses::usage,
                OpenAiChunkDecoder::new, (request, limits) -> new OpenAiPassthroughRelay(request.includeUsage(), limits));
    }
}
