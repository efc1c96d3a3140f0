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
 * @param traceId the request's W3C trace id while tracing is on, or null
 */
public record UsageRecord(String requestId, Instant at, Principal principal, String inboundFormat, String requestedModel,
        String providerId, String providerType, String upstreamModel, Outcome outcome, ErrorKind errorKind, Usage usage,
        boolean streamed, long durationNanos, long firstTokenNanos, String user, String operation, PricedUsage priced,
        boolean cached, Long savingMicros, UpstreamLimits upstreamLimits, String clientRequestId,
        String credentialId, String traceId) {

    /** A record of a request: who asked, when, under which gateway request id; the rest is set part by part. */
    public static Builder builder(String requestId, Instant at, Principal principal) {
        return new Builder(requestId, at, principal);
    }

    /** This record with the client's own request id as its correlation attribute. */
    public UsageRecord correlated(String clientRequestId) {
        return new UsageRecord(requestId, at, principal, inboundFormat, requestedModel, providerId, providerType,
                upstreamModel, outcome, errorKind, usage, streamed, durationNanos, firstTokenNanos, user, operation, priced,
                cached, savingMicros, upstreamLimits, clientRequestId, credentialId, traceId);
    }

    /** How a request ended. */
    public enum Outcome {
        OK, UPSTREAM_ERROR, CLIENT_CANCELLED
    }

    /**
     * Builds a record in its meaningful parts: the request, the upstream that served it, how it ended, what it used,
     * its timing. Unset parts keep their "none" values (no upstream, no error, no usage, unpriced, not cached).
     */
    public static final class Builder {

        private final String requestId;
        private final Instant at;
        private final Principal principal;
        private String inboundFormat;
        private String requestedModel;
        private String operation;
        private String user;
        private String providerId;
        private String providerType;
        private String upstreamModel;
        private String credentialId;
        private Outcome outcome = Outcome.OK;
        private ErrorKind errorKind;
        private Usage usage = Usage.NONE;
        private PricedUsage priced;
        private boolean streamed;
        private long durationNanos;
        private long firstTokenNanos = -1;
        private boolean cached;
        private Long savingMicros;
        private UpstreamLimits upstreamLimits;
        private String clientRequestId;
        private String traceId;

        private Builder(String requestId, Instant at, Principal principal) {
            this.requestId = requestId;
            this.at = at;
            this.principal = principal;
        }

        /** What the client asked: in which format, for which model, which operation, for which end user (or null). */
        public Builder request(String inboundFormat, String requestedModel, String operation, String user) {
            this.inboundFormat = inboundFormat;
            this.requestedModel = requestedModel;
            this.operation = operation;
            this.user = user;
            return this;
        }

        /** The upstream that served it: provider id and type, the model name sent upstream. */
        public Builder upstream(String providerId, String providerType, String upstreamModel) {
            this.providerId = providerId;
            this.providerType = providerType;
            this.upstreamModel = upstreamModel;
            return this;
        }

        /** The pool member of the provider that served it, or null. */
        public Builder credential(String credentialId) {
            this.credentialId = credentialId;
            return this;
        }

        /** How it ended, and the error when it ended in one. */
        public Builder outcome(Outcome outcome, ErrorKind errorKind) {
            this.outcome = outcome;
            this.errorKind = errorKind;
            return this;
        }

        /** What it used and what that costs. */
        public Builder usage(Usage usage, PricedUsage priced) {
            this.usage = usage;
            this.priced = priced;
            return this;
        }

        /** Whether it streamed, its total time and the time to its first byte (-1: none). */
        public Builder timing(boolean streamed, long durationNanos, long firstTokenNanos) {
            this.streamed = streamed;
            this.durationNanos = durationNanos;
            this.firstTokenNanos = firstTokenNanos;
            return this;
        }

        /** An answer from the response cache, and what the upstream would have charged for it (or null). */
        public Builder cached(Long savingMicros) {
            this.cached = true;
            this.savingMicros = savingMicros;
            return this;
        }

        /** What the upstream's rate-limit headers said, or null. */
        public Builder upstreamLimits(UpstreamLimits upstreamLimits) {
            this.upstreamLimits = upstreamLimits;
            return this;
        }

        /** The client's own request id, a correlation attribute only, or null. */
        public Builder clientRequestId(String clientRequestId) {
            this.clientRequestId = clientRequestId;
            return this;
        }

        /** The request's trace id, or null when it is not traced. */
        public Builder traceId(String traceId) {
            this.traceId = traceId;
            return this;
        }

        public UsageRecord build() {
            return new UsageRecord(requestId, at, principal, inboundFormat, requestedModel, providerId, providerType,
                    upstreamModel, outcome, errorKind, usage, streamed, durationNanos, firstTokenNanos, user, operation,
                    priced == null ? PricedUsage.UNPRICED : priced, cached, savingMicros, upstreamLimits,
                    clientRequestId, credentialId, traceId);
        }
    }
}
