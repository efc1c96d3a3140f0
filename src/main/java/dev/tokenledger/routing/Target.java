package dev.tokenledger.routing;

import dev.tokenledger.provider.Provider;

/**
 * One place a request can be sent.
 *
 * @param upstreamModel the model name the provider knows
 */
public record Target(Provider provider, String upstreamModel) {
}
