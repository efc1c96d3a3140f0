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
 * @param traceparent the W3C {@code traceparent} of this attempt's span, sent upstream; null when it is not traced
 */
public record ChatCall(ChatRequest request, String upstreamModel, String requestId, byte[] body, String traceparent) {

    /** An untraced call. */
    public ChatCall(ChatRequest request, String upstreamModel, String requestId, byte[] body) {
        this(request, upstreamModel, requestId, body, null);
    }

    /** A call that sends no chat request. */
    public ChatCall(ChatRequest request, String upstreamModel, String requestId) {
        this(request, upstreamModel, requestId, null);
    }
}
