package dev.tokenledger.provider;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;

/**
 * An upstream that can chat. Further abilities (embeddings, token counting, model listing) are separate capability
 * interfaces a provider implements only if it can; the gateway answers "unsupported" centrally for the rest.
 */
public interface Provider {

    /** The id the configuration gave this provider. */
    String id();

    /** The provider type, e.g. {@code openai}. */
    String type();

    /** The catalogue provider whose prices apply to this provider's models (by default its type). */
    default String priceProvider() {
        return type();
    }

    /** The wire format the upstream speaks. */
    WireFormat format();

    /**
     * The provider as it serves one model: itself, unless its type speaks another format or is priced under another
     * catalogue provider depending on the model (Vertex AI serves Gemini in Google's format and Claude in Anthropic's).
     * The result keeps this provider's {@link #id()} and {@link #type()}; a deployment is bound to it once, when it is
     * chosen, so everything after sees one format and one price provider per model.
     */
    default Provider forModel(String upstreamModel) {
        return this;
    }

    /**
     * Whether the upstream also takes requests in this (client) format as they came: a native pass-through, e.g. an
     * OpenAI upstream's Responses API for a Responses client. By default only its own {@link #format()}. A call in
     * such a format names it in {@link ChatCall#format()}.
     */
    default boolean speaks(WireFormat clientFormat) {
        return clientFormat == format();
    }

    /**
     * Sends a non-streaming chat request.
     *
     * @return the upstream's complete 2xx answer; fails with a {@link dev.tokenledger.canonical.GatewayError} otherwise
     */
    Uni<UpstreamReply> chat(ChatCall call);

    /**
     * Opens a streaming chat request.
     *
     * @return the open stream once the upstream accepted it with a 2xx status; fails with a
     *         {@link dev.tokenledger.canonical.GatewayError} otherwise
     */
    Uni<UpstreamStream> chatStream(ChatCall call);
}
