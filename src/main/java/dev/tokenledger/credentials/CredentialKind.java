package dev.tokenledger.credentials;

/**
 * What a stored credential holds: an API key, OAuth tokens with a refresh token and an expiry, a service-account key,
 * or an AWS key pair (with an optional session token); each takes the same row and the same sealed secret.
 */
public enum CredentialKind {
    API_KEY, OAUTH, SERVICE_ACCOUNT, AWS;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
