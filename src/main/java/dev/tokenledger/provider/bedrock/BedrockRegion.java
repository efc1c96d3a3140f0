package dev.tokenledger.provider.bedrock;

import java.time.Clock;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;

import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The region of a Bedrock provider, with the endpoint and signer it implies. A configured region is used at once;
 * without one, the AWS SDK's region chain is asked once, on first use and off the event loop (its last step asks the
 * instance metadata service, which may take seconds), so start-up never waits on the network.
 */
final class BedrockRegion {

    /** Stands for the region in the default base URL. */
    static final String PLACEHOLDER = "{region}";

    /** The endpoint and signer of a resolved region. */
    record Resolved(String baseUrl, AwsSigV4 signer) {
    }

    private final String providerId;
    private final String baseUrl;
    private final Clock clock;
    private volatile Resolved resolved;

    BedrockRegion(String providerId, Optional<String> region, String baseUrl, Clock clock) {
        this.providerId = providerId;
        this.baseUrl = baseUrl;
        this.clock = clock;
        region.ifPresent(r -> resolved = resolve(r));
    }

    static boolean valid(String region) {
        return region.matches("[a-z0-9-]{1,32}");
    }

    private Resolved resolve(String region) {
        String base = baseUrl.replace(PLACEHOLDER, region);
        return new Resolved(base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
                new AwsSigV4("bedrock", region, clock));
    }

    Uni<Resolved> get() {
        Resolved current = resolved;
        if (current != null) {
            return Uni.createFrom().item(current);
        }
        return Uni.createFrom().item(() -> {
            String region;
            try {
                region = DefaultAwsRegionProviderChain.builder().build().getRegion().id();
            } catch (RuntimeException e) {
                throw GatewayError.of(ErrorKind.INTERNAL, "Provider '" + providerId + "' has no region: set "
                        + "tokenledger.providers." + providerId + ".options.region or AWS_REGION.");
            }
            if (!valid(region)) {
                throw GatewayError.of(ErrorKind.INTERNAL, "Provider '" + providerId + "': the AWS region chain named "
                        + "an invalid region.");
            }
            Resolved found = resolve(region);
            resolved = found;
            return found;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
