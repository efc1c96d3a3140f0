package dev.tokenledger.credentials;

/**
 * The state of a stored credential. Only {@code enabled} credentials are pool members; {@code needs_login} is where
 * a credential whose token can no longer be refreshed goes until someone logs in again.
 */
public enum CredentialStatus {
    ENABLED, DISABLED, NEEDS_LOGIN;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The status of an id, or null when the id names none. */
    public static CredentialStatus of(String id) {
        for (CredentialStatus s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }
}
