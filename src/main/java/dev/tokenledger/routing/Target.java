package dev.tokenledger.routing;

import dev.tokenledger.provider.Provider;

/**
 * One place a request can be sent: a deployment.
 *
 * @param upstreamModel the model name the provider knows
 * @param traits what the configuration says about the deployment (weight, priority, capabilities, prices)
 */
public record Target(Provider provider, String upstreamModel, DeploymentTraits traits) {

    public Target(Provider provider, String upstreamModel) {
        this(provider, upstreamModel, DeploymentTraits.DEFAULT);
    }

    /**
     * The deployment id: {@code <provider-id>/<upstream-model>}. Guards, cooldowns and statistics are kept per id, so
     * aliases sharing a deployment share what is learnt about it.
     */
    public String id() {
        return provider.id() + "/" + upstreamModel;
    }
}
