package dev.tokenledger.usage;

import java.time.Instant;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.ErrorKind;
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
 * @param priced the cost of the usage, or unpriced
 */
public record UsageRecord(String requestId, Instant at, Principal principal, String inboundFormat, String requestedModel,
        String providerId, String providerType, String upstreamModel, Outcome outcome, ErrorKind errorKind, Usage usage,
        boolean streamed, long durationNanos, long firstTokenNanos, String user, String operation, PricedUsage priced) {

    /** How a request ended. */
    public enum Outcome {
        OK, UPSTREAM_ERROR, CLIENT_CANCELLED
    }
}
