package dev.tokenledger.provider;

import io.smallrye.mutiny.Uni;

/** A provider whose upstream counts the input tokens of a request without running it. */
public interface TokenCountCapable {

    /**
     * Counts the prompt tokens of a request as the upstream's tokenizer sees them.
     *
     * @return the input token count; fails with a {@link dev.tokenledger.canonical.GatewayError} otherwise
     */
    Uni<Long> countTokens(ChatCall call);
}
