package dev.tokenledger.wire.bedrock;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.EventStreamChunkDecoder;
import dev.tokenledger.wire.EventStreamPassthroughRelay;
import dev.tokenledger.wire.MappedUpstreamCodec;

/** The Bedrock Converse format, spoken to an upstream (no client speaks it). */
@ApplicationScoped
public class BedrockUpstreamCodec extends MappedUpstreamCodec {

    public BedrockUpstreamCodec() {
        super(WireFormat.BEDROCK_CONVERSE, BedrockRequests::toWire,
                body -> BedrockResponses.toCanonical(body, System.currentTimeMillis() / 1000), BedrockResponses::usage,
                limits -> new EventStreamChunkDecoder(limits, new BedrockStreamEvents()),
                (request, limits) -> new EventStreamPassthroughRelay(limits, new BedrockStreamEvents()));
    }
}
