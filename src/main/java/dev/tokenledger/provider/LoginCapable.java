package dev.tokenledger.provider;

import java.util.Map;
import java.util.Optional;

/**
 * A provider type whose credentials can be obtained by an OAuth login started from the admin API: a device flow
 * (RFC 8628) and/or a browser flow (authorization code with PKCE). Implemented by the type's factory.
 */
public interface LoginCapable {

    /** The OAuth client and endpoints of one provider's logins. */
    LoginSpec login(ProviderSettings settings);

    /**
     * The headers that identify the client of one credential (its device fingerprint), as templates: {@code {machine-id}}
     * and {@code {session-id}} are the credential's own generated ids, {@code {option:<name>}} a provider option. The
     * configuration may override or add headers per type ({@code tokenledger.credentials.fingerprint.<type>}).
     */
    default Map<String, String> fingerprint() {
        return Map.of();
    }

    /**
     * The provider options one login may set for itself in its start request (an IAM Identity Center start URL and
     * region), over the configured ones; none by default.
     */
    default java.util.Set<String> loginOptions() {
        return java.util.Set.of();
    }

    /**
     * Where and how a provider's logins run.
     *
     * @param clientId the OAuth client id
     * @param clientSecret the client secret, for servers that want one in the code exchange
     * @param scope the scopes asked for, space-separated
     * @param deviceAuthorizationUrl the device authorization endpoint, when the device flow is offered
     * @param authorizeUrl the authorization endpoint, when the browser flow is offered
     * @param tokenUrl the token endpoint (device polls, code exchange, refresh-token grants)
     * @param tokenKind the {@link TokenKind} that keeps the resulting credential's token fresh, or empty to store the
     *        login's token as it is (with a refresh-token grant when the server gave a refresh token)
     * @param deviceGrant the calls of the device flow when its server does not take RFC 8628's forms, or empty
     */
    record LoginSpec(String clientId, Optional<String> clientSecret, String scope,
            Optional<String> deviceAuthorizationUrl, Optional<String> authorizeUrl, String tokenUrl,
            Optional<String> tokenKind, Optional<DeviceGrant> deviceGrant) {

        /** The logins of an RFC 8628 / RFC 6749 server. */
        public LoginSpec(String clientId, Optional<String> clientSecret, String scope,
                Optional<String> deviceAuthorizationUrl, Optional<String> authorizeUrl, String tokenUrl,
                Optional<String> tokenKind) {
            this(clientId, clientSecret, scope, deviceAuthorizationUrl, authorizeUrl, tokenUrl, tokenKind,
                    Optional.empty());
        }

        @Override
        public String toString() {
            return "LoginSpec[clientId=" + clientId + ", tokenUrl=" + tokenUrl + "]";
        }
    }
}
