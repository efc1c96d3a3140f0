package dev.tokenledger.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;

/**
 * Keeps every replica's key cache coherent: a key disabled, enabled, revoked or rotated through any replica is looked
 * up afresh by all of them within moments.
 */
@ApplicationScoped
public class KeyChanges {

    private final VirtualKeyAuthenticator authenticator;
    private final Changes changes;

    @Inject
    public KeyChanges(VirtualKeyAuthenticator authenticator, Changes changes) {
        this.authenticator = authenticator;
        this.changes = changes;
    }

    /** A key's new state is committed: this replica forgets the key at once, the others when they hear of it. */
    public Uni<Void> changed(String keyHash) {
        forget(keyHash);
        return changes.announce(Change.key(keyHash));
    }

    void onChange(@Observes Change change) {
        switch (change.kind()) {
            case KEY -> forget(change.subject());
            case ALL -> authenticator.invalidateAll();
            default -> {
            }
        }
    }

    private void forget(String keyHash) {
        authenticator.invalidate(keyHash);
    }
}
