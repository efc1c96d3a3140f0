package dev.tokenledger.provider;

import java.time.Instant;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * One way of obtaining a fresh access token for a stored credential (an OAuth refresh-token grant, GitHub Copilot's
 * token exchange, a service-account JWT grant, …). Implementations are CDI beans found by {@link #id()}; the credential
 * refresher decides when a token is refreshed, makes sure only one replica does it, stores the result and retries.
 */
public interface TokenKind {

    /** The id stored with a credential whose tokens this kind refreshes, e.g. {@code oauth-refresh}. */
    String id();

    /**
     * Obtains a fresh token.
     *
     * @param grant what the credential holds to obtain tokens, and its provider's settings
     * @return the new token; fails with {@link TokenRefreshException} (permanent or not) when none was obtained
     */
    Uni<FreshToken> refresh(Grant grant);

    /**
     * Whether the token a login returns is only the grant of this kind, not the token the upstream takes, so a login
     * must refresh once before the credential can serve (GitHub's token is exchanged for a Copilot token).
     */
    default boolean exchangesLoginToken() {
        return false;
    }

    /**
     * Provider options a new credential sets for itself, found once its login has a token (Kiro's profile ARN): kept
     * with the credential and applied over the configured options of every request it serves. None by default; a
     * failure here fails the login.
     */
    default Uni<Map<String, String>> discover(Grant grant) {
        return Uni.createFrom().item(Map.of());
    }

    /**
     * What a credential holds to obtain new tokens.
     *
     * @param settings the settings of the credential's provider (options resolved)
     * @param accessToken the current access token, or null
     * @param values the kind's own values (refresh token, token URL, client id, the login's token, …)
     */
    record Grant(ProviderSettings settings, String accessToken, Map<String, String> values) {

        public Grant {
            values = values == null ? Map.of() : Map.copyOf(values);
        }

        public String value(String name) {
            return values.get(name);
        }

        @Override
        public String toString() {
            return "Grant[" + settings.id() + ", values=" + values.keySet() + "]";
        }
    }

    /**
     * A token obtained by a refresh.
     *
     * @param accessToken what the upstream takes from now on
     * @param expiresAt when it stops working, or null when it does not expire
     * @param refreshAt when to refresh it, or null for the refresher's rule ({@code expiresAt} less the skew)
     * @param endpoint the API base URL the issuer named for this token (Copilot's {@code endpoints.api}), or null to
     *        keep the provider's
     * @param values replaced grant values (a rotated refresh token); absent names keep their value
     */
    record FreshToken(String accessToken, Instant expiresAt, Instant refreshAt, String endpoint,
            Map<String, String> values) {

        public FreshToken {
            values = values == null ? Map.of() : Map.copyOf(values);
        }

        @Override
        public String toString() {
            return "FreshToken[expiresAt=" + expiresAt + "]";
        }
    }
}
