package dev.tokenledger.credentials;

/**
 * What a stored credential holds. Only API keys are created today; the other kinds (OAuth tokens with a refresh token
 * and an expiry, service-account keys, AWS key pairs) take the same row and the same sealed secret.
 */
public enum CredentialKind {
    API_KEY, OAUTH, SERVICE_ACCOUNT, AWS;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
