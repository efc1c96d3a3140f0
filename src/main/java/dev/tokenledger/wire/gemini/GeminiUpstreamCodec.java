package dev.tokenledger.wire.gemini;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedUpstreamCodec;

/** The Gemini API format, spoken to an upstream. */
@ApplicationScoped
public class GeminiUpstreamCodec extends MappedUpstreamCodec {

    public GeminiUpstreamCodec() {
        super(WireFormat.GEMINI, GeminiRequests::toWire, GeminiResponses::toCanonical, GeminiResponses::usage,
                GeminiChunkDecoder::new, (request, limits) -> new GeminiPassthroughRelay(limits));
    }
}
