package dev.tokenledger.provider;

import dev.tokenledger.canonical.ChatRequest;

/**
 * One call to a provider.
 *
 * @param request the canonical request
 * @param upstreamModel the model name the upstream knows
 * @param requestId the gateway's request id, sent upstream for correlation
 */
public record ChatCall(ChatRequest request, String upstreamModel, String requestId) {
}
