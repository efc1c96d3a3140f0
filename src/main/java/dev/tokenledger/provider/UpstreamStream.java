package dev.tokenledger.provider;

import io.smallrye.mutiny.Multi;

/**
 * An upstream stream that was accepted with a 2xx status. The body is cold and single-use; cancelling its
 * subscription closes the upstream connection so the provider stops generating.
 *
 * @param body the raw body chunks as they arrive
 * @param upstreamRequestId the upstream's own request id, or null
 */
public record UpstreamStream(int status, Multi<byte[]> body, String upstreamRequestId) {
}
