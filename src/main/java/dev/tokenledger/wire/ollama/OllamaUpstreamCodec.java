package dev.tokenledger.wire.ollama;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedUpstreamCodec;

/** Ollama's native chat format, spoken to an upstream. */
@ApplicationScoped
public class OllamaUpstreamCodec extends MappedUpstreamCodec {

    public OllamaUpstreamCodec() {
        super(WireFormat.OLLAMA, OllamaChatRequests::toWire, OllamaChatResponses::toCanonical, OllamaChatResponses::usage,
                OllamaChunkDecoder::new, (request, limits) -> new OllamaPassthroughRelay(limits));
    }
}
