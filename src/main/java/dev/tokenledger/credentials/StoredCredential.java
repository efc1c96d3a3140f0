package dev.tokenledger.credentials;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One stored credential as read from its row: metadata in clear, the secret sealed.
 *
 * @param expiresAt when the secret stops working (OAuth tokens), or null
 * @param lastError the last error an upstream answered with this credential (redacted), or null
 */
public record StoredCredential(UUID id, String provider, String label, CredentialKind kind, CredentialStatus status,
        OffsetDateTime expiresAt, String lastError, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        KeyEncryption.Sealed sealed) {

    @Override
    public String toString() {
        return "StoredCredential[" + id + ", provider=" + provider + ", status=" + status.id() + "]";
    }
}
