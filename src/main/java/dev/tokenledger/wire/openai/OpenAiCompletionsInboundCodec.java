package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedInboundCodec;

/**
 * Legacy OpenAI text completions ({@code /v1/completions}), spoken by clients only. The gateway translates them to
 * chat for every upstream (OpenAI-type providers included: their {@code /v1/completions} is not used), so answers
 * and streams are re-encoded as {@code text_completion} objects. Errors use OpenAI's error shape.
 */
@ApplicationScoped
public class OpenAiCompletionsInboundCodec extends MappedInboundCodec {

    public OpenAiCompletionsInboundCodec() {
        super(WireFormat.OPENAI_COMPLETIONS, OpenAiCompletionsRequests::toCanonical, OpenAiCompletionsResponses::toWire,
                OpenAiErrors::encode, request -> new OpenAiCompletionsChunkEncoder(request.includeUsage()));
    }
}
