package dev.tokenledger.wire.ollama;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedInboundCodec;

/** Ollama's native chat format ({@code POST /api/chat}, NDJSON streams), spoken by clients. */
@ApplicationScoped
public class OllamaInboundCodec extends MappedInboundCodec {

    public OllamaInboundCodec() {
        super(WireFormat.OLLAMA, OllamaChatRequests::toCanonical, OllamaChatResponses::toWire, OllamaErrors::encode,
                request -> new OllamaChunkEncoder());
    }
}
