package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedInboundCodec;

/**
 * The OpenAI Responses API format ({@code /v1/responses}), spoken by clients only: no provider type speaks it
 * upstream, so every request is translated. Errors use OpenAI's error shape, as the API does.
 */
@ApplicationScoped
public class OpenAiResponsesInboundCodec extends MappedInboundCodec {

    public OpenAiResponsesInboundCodec() {
        super(WireFormat.OPENAI_RESPONSES, OpenAiResponsesRequests::toCanonical, OpenAiResponsesResponses::toWire,
                OpenAiErrors::encode, request -> new OpenAiResponsesChunkEncoder());
    }
}
