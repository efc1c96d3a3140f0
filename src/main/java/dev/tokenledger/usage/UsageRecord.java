package dev.tokenledger.usage;

import java.time.Instant;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.UpstreamLimits;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.pricing.PricedUsage;

/**
 * What one served request used: the input to the ledger.
 *
 * @param requestId the gateway's request id
 * @param at when the request arrived
 * @param principal who called
 * @param inboundFormat the format the client spoke
 * @param requestedModel the model the client named
 * @param providerId the provider that answered, or null when none was reached
 * @param providerType that provider's type, or null
 * @param upstreamModel the model name sent upstream, or null
 * @param outcome how the request ended
 * @param errorKind the error, when it ended in one
 * @param usage tokens used, never null
 * @param streamed whether the answer was streamed
 * @param durationNanos total time from arrival to the end of the answer
 * @param firstTokenNanos time from arrival to the first byte of the answer, or -1
 * @param user the end-user id the client passed, or null
 * @param operation {@code chat} or {@code embeddings}
 * @param priced the cost of the usage, or unpriced (zero for an answer served from the response cache)
 * @param cached whether the answer came from the response cache (no upstream was called)
 * @param savingMicros for a cached answer, what the upstream would have charged in micro-USD, or null
 * @param upstreamLimits what the answering upstream's rate-limit headers said, or null when it sent none (or none was
 *        reached); admission paces a deployment that says it is nearly exhausted
 * @param clientRequestId the client's own {@code x-request-id}, kept for correlation only (never a key), or null
 * @param credentialId the pool member of the provider that served the request (a stored credential's id or
 *        {@code config:<provider>}), or null
 */
public record UsageRecord(String requestId, Instant at, Principal principal, String inboundFormat, String requestedModel,
        String providerId, String providerType, String upstreamModel, Outcome outcome, ErrorKind errorKind, Usage usage,
        boolean streamed, long durationNanos, long firstTokenNanos, String user, String operation, PricedUsage priced,
        boolean cached, Long savingMicros, UpstreamLimits upstreamLimits, String clientRequestId,
        String credentialId) {

    /** A record without a client request id or serving credential (a cached answer, or none known). */
    public UsageRecord(String requestId, Instant at, Principal principal, String inboundFormat, String requestedModel,
            String providerId, String providerType, String upstreamModel, Outcome outcome, ErrorKind errorKind, Usage usage,
            boolean streamed, long durationNanos, long firstTokenNanos, String user, String operation, PricedUsage priced,
            boolean cached, Long savingMicros, UpstreamLimits upstreamLimits) {
        this(requestId, at, principal, inboundFormat, requestedModel, providerId, providerType, upstreamModel, outcome,
                errorKind, usage, streamed, durationNanos, firstTokenNanos, user, operation, priced, cached, savingMicros,
                upstreamLimits, null, null);
    }

    /** A record of an answer that came from an upstream. */
    public UsageRecord(String requestId, Instant at, Principal principal, String inboundFormat, String requestedModel,
            String providerId, String providerType, String upstreamModel, Outcome outcome, ErrorKind errorKind, Usage usage,
            boolean streamed, long durationNanos, long firstTokenNanos, String user, String operation, PricedUsage priced,
            UpstreamLimits upstreamLimits) {
        this(requestId, at, principal, inboundFormat, requestedModel, providerId, providerType, upstreamModel, outcome,
                errorKind, usage, streamed, durationNanos, firstTokenNanos, user, operation, priced, false, null,
                upstreamLimits);
    }

    /** This record with the client's own request id as its correlation attribute. */
    public UsageRecord correlated(String clientRequestId) {
        return new UsageRecord(requestId, at, principal, inboundFormat, requestedModel, providerId, providerType,
                upstreamModel, outcome, errorKind, usage, streamed, durationNanos, firstTokenNanos, user, operation, priced,
                cached, savingMicros, upstreamLimits, clientRequestId, credentialId);
    }

    /** How a request ended. */
    public enum Outcome {
        OK, UPSTREAM_ERROR, CLIENT_CANCELLED
    }
}
