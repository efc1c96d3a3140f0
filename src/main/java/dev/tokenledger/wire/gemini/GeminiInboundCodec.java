package dev.tokenledger.wire.gemini;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.InboundCodec;

/** The Gemini API format ({@code generateContent} / {@code streamGenerateContent?alt=sse}), spoken by clients. */
@ApplicationScoped
public class GeminiInboundCodec implements InboundCodec {

    @Override
    public WireFormat format() {
        return WireFormat.GEMINI;
    }

    /** A body that names its model in a {@code model} field; the inbound API uses the overload with the URL's. */
    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return GeminiRequests.toCanonical(body, null, false);
    }

    /** An inbound body with the model and the method ({@code streamGenerateContent} or not) of its URL. */
    public ChatRequest decodeRequest(byte[] body, String model, boolean stream) {
        return GeminiRequests.toCanonical(body, model, stream);
    }

    @Override
    public void checkTranslatable(ChatRequest request, WireFormat upstream) {
        String field = GeminiRequests.untranslatable(request);
        if (field != null) {
            throw GatewayError.invalid(field, "'" + field + "' is a Gemini feature that the model's provider ("
                    + upstream.id() + " format) cannot carry; remove it or use a Gemini model.");
        }
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return GeminiResponses.toWire(response);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return GeminiErrors.encode(error);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return new GeminiChunkEncoder();
    }
}
