package dev.tokenledger.provider;

import io.smallrye.mutiny.Uni;

/** A provider that can embed text in the OpenAI embeddings format. */
public interface EmbeddingsCapable {

    /**
     * Sends an embeddings request.
     *
     * @param body the OpenAI-format request body, with the upstream model already in place
     * @param traceparent the W3C {@code traceparent} of the attempt's span, sent upstream; null when it is not traced
     */
    Uni<UpstreamReply> embeddings(byte[] body, String requestId, String traceparent);
}
