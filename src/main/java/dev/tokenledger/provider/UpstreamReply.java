package dev.tokenledger.provider;

/**
 * A complete successful upstream answer.
 *
 * @param status the 2xx status
 * @param body the body bytes as received
 * @param upstreamRequestId the upstream's own request id, or null
 */
public record UpstreamReply(int status, byte[] body, String upstreamRequestId) {
}
