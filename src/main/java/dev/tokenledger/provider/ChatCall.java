package dev.tokenledger.provider;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.WireFormat;

/**
 * One call to a provider.
 *
 * @param request the canonical request
 * @param upstreamModel the model name the upstream knows
 * @param requestId the gateway's request id, sent upstream for correlation
 * @param body the chat request in the wire format of the call, written by that format's upstream codec; null on a
 *        call that sends no chat request (token counting builds its own body)
 * @param format the wire format of {@code body}: the provider's own, or a client format it also
 *        {@linkplain Provider#speaks speaks}; null on a call that sends no chat request
 * @param traceparent the W3C {@code traceparent} of this attempt's span, sent upstream; null when it is not traced
 */
public record ChatCall(ChatRequest request, String upstreamModel, String requestId, byte[] body, WireFormat format,
        String traceparent) {

    /** An untraced call. */
    public ChatCall(ChatRequest request, String upstreamModel, String requestId, byte[] body, WireFormat format) {
        this(request, upstreamModel, requestId, body, format, null);
    }

    /** A call that sends no chat request. */
    public ChatCall(ChatRequest request, String upstreamModel, String requestId) {
        this(request, upstreamModel, requestId, null, null, null);
    }
}
