package dev.tokenledger.admission.limits;

import dev.tokenledger.auth.Principal;

/**
 * What a request asks of the limits.
 *
 * @param model the model the client named (per-model limits match it)
 * @param tokens tokens reserved: the prompt estimate plus the output cap
 * @param worstCaseMicros the cost of those tokens at current prices, micro-USD; null when the model has no price
 * @param deployment the upstream deployment ({@code provider/model}) for adaptive pacing
 */
public record Demand(String requestId, Principal principal, String model, long tokens, Long worstCaseMicros,
        String deployment) {
}
