package dev.tokenledger.provider.bedrock;

import java.time.Duration;
import java.time.Instant;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Where a Bedrock provider's AWS credentials come from: a key pair (with an optional session token) from the
 * configuration or the credential store, written {@code <access-key-id>:<secret-access-key>[:<session-token>]}; or,
 * without one, the AWS SDK's default chain ({@link DefaultCredentialsProvider}: environment, system properties, web
 * identity / IRSA, SSO and role profiles, EKS Pod Identity and container credentials, instance profiles). The chain's
 * credentials are kept until five minutes before they expire and resolved again off the event loop, since the chain
 * may block on network calls.
 */
final class AwsCredentialSource {

    /** How long before their expiry chain credentials are resolved again. */
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    private final AwsCredentialsIdentity fixed;
    private final AwsCredentialsProvider chain;
    private volatile AwsCredentialsIdentity cached;

    private AwsCredentialSource(AwsCredentialsIdentity fixed, AwsCredentialsProvider chain) {
        this.fixed = fixed;
        this.chain = chain;
    }

    /**
     * @param key {@code <access-key-id>:<secret-access-key>[:<session-token>]}
     * @throws IllegalArgumentException when the key is not of that form
     */
    static AwsCredentialSource of(String key) {
        String[] parts = key.split(":", 3);
        if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("an AWS key is written <access-key-id>:<secret-access-key>[:<session-token>]");
        }
        return new AwsCredentialSource(parts.length == 3 && !parts[2].isBlank()
                ? AwsSessionCredentialsIdentity.create(parts[0], parts[1], parts[2])
                : AwsCredentialsIdentity.create(parts[0], parts[1]), null);
    }

    /** The SDK's default chain (shared: it caches and refreshes what it resolved). */
    static AwsCredentialSource defaultChain() {
        return new AwsCredentialSource(null, Chain.PROVIDER);
    }

    /** The lazily created default chain: created only when a provider without keys first signs. */
    private static final class Chain {
        static final AwsCredentialsProvider PROVIDER = DefaultCredentialsProvider.builder().build();
    }

    /** The credentials to sign the next request with. */
    Uni<AwsCredentialsIdentity> credentials() {
        if (fixed != null) {
            return Uni.createFrom().item(fixed);
        }
        AwsCredentialsIdentity current = cached;
        if (current != null && fresh(current, Instant.now())) {
            return Uni.createFrom().item(current);
        }
        return Uni.createFrom().item(() -> {
            AwsCredentialsIdentity resolved = chain.resolveCredentials();
            cached = resolved;
            return resolved;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    static boolean fresh(AwsCredentialsIdentity identity, Instant now) {
        return identity.expirationTime().map(at -> now.plus(REFRESH_BEFORE).isBefore(at)).orElse(true);
    }

    @Override
    public String toString() {
        return fixed != null ? "AwsCredentialSource[key]" : "AwsCredentialSource[default chain]";
    }
}
