package dev.tokenledger.provider;

import dev.tokenledger.canonical.UpstreamLimits;

/**
 * A complete successful upstream answer.
 *
 * @param status the 2xx status
 * @param body the body bytes as received
 * @param upstreamRequestId the upstream's own request id, or null
 * @param limits what the upstream's rate-limit headers said, or null when it sent none
 */
public record UpstreamReply(int status, byte[] body, String upstreamRequestId, UpstreamLimits limits) {
}
