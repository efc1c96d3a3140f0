package dev.tokenledger.wire.kiro;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.EventStreamChunkDecoder;
import dev.tokenledger.wire.EventStreamPassthroughRelay;
import dev.tokenledger.wire.MappedUpstreamCodec;

/** Kiro's {@code generateAssistantResponse} format, spoken to an upstream (no client speaks it). */
@ApplicationScoped
public class KiroUpstreamCodec extends MappedUpstreamCodec {

    public KiroUpstreamCodec() {
        super(WireFormat.KIRO, KiroRequests::toWire, KiroResponses::toCanonical, KiroResponses::usage,
                limits -> new EventStreamChunkDecoder(limits, new KiroStreamEvents()),
                (request, limits) -> new EventStreamPassthroughRelay(limits, new KiroStreamEvents()));
    }
}
