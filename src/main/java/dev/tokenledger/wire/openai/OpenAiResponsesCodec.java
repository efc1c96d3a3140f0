package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChatCodec;
import dev.tokenledger.wire.ChunkDecoder;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.TranslatingRelay;

/**
 * The OpenAI Responses API format ({@code /v1/responses}). Errors use OpenAI's error shape, as the API does. No
 * provider type speaks it upstream yet; should one appear, its streams are re-encoded through the canonical chunks
 * rather than passed through byte for byte (see {@link #passthroughRelay}).
 */
@ApplicationScoped
public class OpenAiResponsesCodec implements ChatCodec {

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_RESPONSES;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return OpenAiResponsesRequests.toCanonical(body);
    }

    @Override
    public byte[] encodeRequest(ChatRequest request, String upstreamModel) {
        return OpenAiResponsesRequests.toWire(request, upstreamModel);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body) {
        return OpenAiResponsesResponses.toCanonical(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return OpenAiResponsesResponses.toWire(response);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return OpenAiResponsesResponses.usage(body);
    }

    @Override
    public String decodeErrorMessage(byte[] body) {
        return OpenAiErrors.message(body);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return OpenAiErrors.encode(error);
    }

    /**
     * Responses to Responses: the events are decoded and written again (same content, the gateway's sequence numbers
     * and item ids). A usage the upstream does not report is zero in the client's terminal event; the ledger
     * estimates it from the relay's generated text as for any stream.
     */
    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return new TranslatingRelay(streamDecoder(request, limits), streamEncoder(request), text -> Usage.NONE);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return new OpenAiResponsesChunkDecoder(limits);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new OpenAiResponsesChunkEncoder();
    }
}
