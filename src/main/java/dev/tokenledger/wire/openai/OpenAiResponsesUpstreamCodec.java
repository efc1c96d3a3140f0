package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedUpstreamCodec;

/**
 * The OpenAI Responses API format spoken to an upstream that has it: OpenAI for a client that spoke it too (requests
 * pass through with the model replaced, answers and streams reach the client as they came, read for usage on the way),
 * and an upstream that serves a model through the Responses API only (GitHub Copilot's), for any client: the
 * canonical request is written as a Responses request ({@link OpenAiResponsesUpstreamRequests}) and the answer and its
 * stream are read back to canonical ({@link OpenAiResponsesAnswers}, {@link OpenAiResponsesChunkDecoder}).
 */
@ApplicationScoped
public class OpenAiResponsesUpstreamCodec extends MappedUpstreamCodec {

    public OpenAiResponsesUpstreamCodec() {
        super(WireFormat.OPENAI_RESPONSES, OpenAiResponsesUpstreamRequests::toWire, OpenAiResponsesAnswers::toCanonical,
                OpenAiResponsesAnswers::usage, OpenAiResponsesChunkDecoder::new,
                (request, limits) -> new OpenAiResponsesPassthroughRelay(limits));
    }
}
