package dev.tokenledger.provider;

import io.smallrye.mutiny.Uni;

/** A provider whose upstream counts the input tokens of a chat request itself (e.g. Anthropic's count_tokens). */
public interface TokenCountCapable {

    /**
     * Counts the input tokens of a request as the upstream would bill them.
     *
     * @return the count; fails with a {@link dev.tokenledger.canonical.GatewayError} when the upstream refuses
     */
    Uni<Long> countTokens(ChatCall call);
}
