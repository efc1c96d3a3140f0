package dev.tokenledger.routing;

import dev.tokenledger.provider.Provider;

/**
 * One place a request can be sent: a deployment.
 *
 * @param upstreamModel the model name the provider knows
 * @param traits what the configuration says about the deployment (weight, priority, capabilities, prices)
 * @param credentialId the pool member that sends the request: a stored credential's id, {@code config:<provider>}
 *        for the configured key, or null before a member is chosen (or for a provider without credentials)
 */
public record Target(Provider provider, String upstreamModel, DeploymentTraits traits, String credentialId) {

    /** The provider is bound to the model: the format and price provider that serve it ({@link Provider#forModel}). */
    public Target {
        provider = provider.forModel(upstreamModel);
    }

    public Target(Provider provider, String upstreamModel, DeploymentTraits traits) {
        this(provider, upstreamModel, traits, null);
    }

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

    /** The same deployment sent with one credential of its provider's pool (a provider instance of the same id). */
    public Target servedBy(Provider credentialProvider, String credential) {
        return new Target(credentialProvider, upstreamModel, traits, credential);
    }
}
