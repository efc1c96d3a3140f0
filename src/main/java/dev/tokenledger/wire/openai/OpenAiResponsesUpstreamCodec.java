package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedUpstreamCodec;

/**
 * The OpenAI Responses API format spoken to an upstream that has it (OpenAI): only ever for a client that spoke it
 * too, so requests pass through with the model replaced and answers and streams reach the client as they came, read
 * for usage on the way. A Responses stream is never translated for another client format.
 */
@ApplicationScoped
public class OpenAiResponsesUpstreamCodec extends MappedUpstreamCodec {

    public OpenAiResponsesUpstreamCodec() {
        super(WireFormat.OPENAI_RESPONSES, OpenAiResponsesRequests::toWire, OpenAiResponsesAnswers::toCanonical,
                OpenAiResponsesAnswers::usage, limits -> {
                    throw new IllegalStateException("A Responses upstream answers Responses clients only");
                }, (request, limits) -> new OpenAiResponsesPassthroughRelay(limits));
    }
}
