package dev.tokenledger.wire.anthropic;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedUpstreamCodec;

/** The Anthropic Messages format, spoken to an upstream. */
@ApplicationScoped
public class AnthropicUpstreamCodec extends MappedUpstreamCodec {

    public AnthropicUpstreamCodec() {
        super(WireFormat.ANTHROPIC, AnthropicRequests::toWire,
                body -> AnthropicResponses.toCanonical(body, System.currentTimeMillis() / 1000), AnthropicResponses::usage,
                AnthropicChunkDecoder::new, (request, limits) -> new AnthropicPassthroughRelay(limits));
    }
}
