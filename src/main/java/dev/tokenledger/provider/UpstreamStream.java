package dev.tokenledger.provider;

import io.smallrye.mutiny.Multi;

import dev.tokenledger.canonical.UpstreamLimits;

/**
 * An upstream stream that was accepted with a 2xx status. The body is cold and single-use; cancelling its
 * subscription closes the upstream connection so the provider stops generating.
 *
 * @param body the raw body chunks as they arrive
 * @param upstreamRequestId the upstream's own request id, or null
 * @param limits what the upstream's rate-limit headers said, or null when it sent none
 */
public record UpstreamStream(int status, Multi<byte[]> body, String upstreamRequestId, UpstreamLimits limits) {

    /** The same answer with its body replaced (wrapped) by another. */
    public UpstreamStream withBody(Multi<byte[]> other) {
        return new UpstreamStream(status, other, upstreamRequestId, limits);
    }
}
