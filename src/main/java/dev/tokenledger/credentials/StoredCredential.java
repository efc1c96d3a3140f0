package dev.tokenledger.credentials;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One stored credential as read from its row: metadata in clear, the secret sealed.
 *
 * @param expiresAt when the access token stops working, or null
 * @param lastError the last error an upstream answered with this credential (redacted), or null
 * @param refreshAt when the access token is to be refreshed, or null for a key that is not refreshed
 * @param lastRefreshAt when the token was last refreshed, or null
 * @param version bumped by every refresh with the refresher's fencing token (compare-and-set)
 */
public record StoredCredential(UUID id, String provider, String label, CredentialKind kind, CredentialStatus status,
        OffsetDateTime expiresAt, String lastError, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        KeyEncryption.Sealed sealed, OffsetDateTime refreshAt, OffsetDateTime lastRefreshAt, long version) {

    @Override
    public String toString() {
        return "StoredCredential[" + id + ", provider=" + provider + ", status=" + status.id() + "]";
    }
}
