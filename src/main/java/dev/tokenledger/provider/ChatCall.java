package dev.tokenledger.provider;

import dev.tokenledger.canonical.ChatRequest;

/**
 * One call to a provider.
 *
 * @param request the canonical request
 * @param upstreamModel the model name the upstream knows
 * @param requestId the gateway's request id, sent upstream for correlation
 * @param body the chat request in the provider's wire format, written by that format's upstream codec; null on a call
 *        that sends no chat request (token counting builds its own body)
 */
public record ChatCall(ChatRequest request, String upstreamModel, String requestId, byte[] body) {

    /** A call that sends no chat request. */
    public ChatCall(ChatRequest request, String upstreamModel, String requestId) {
        this(request, upstreamModel, requestId, null);
    }
}
