package dev.tokenledger.wire.gemini;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedInboundCodec;

/** The Gemini API format ({@code generateContent} / {@code streamGenerateContent?alt=sse}), spoken by clients. */
@ApplicationScoped
public class GeminiInboundCodec extends MappedInboundCodec {

    /** Its {@code decodeRequest(body)} reads a body naming its model in a {@code model} field (the API uses the URL's). */
    public GeminiInboundCodec() {
        super(WireFormat.GEMINI, body -> GeminiRequests.toCanonical(body, null, false), GeminiResponses::toWire,
                GeminiErrors::encode, request -> new GeminiChunkEncoder());
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
}
