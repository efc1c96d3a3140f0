package dev.tokenledger.auth;

import io.smallrye.mutiny.Uni;

/**
 * One way to recognise a client credential. Authenticators are CDI beans tried in priority order; the first that
 * recognises a credential decides.
 */
public interface ClientAuthenticator {

    /** Lower runs first. */
    default int priority() {
        return 100;
    }

    /**
     * @return the principal when this authenticator recognises the credential, or a null item when it does not
     */
    Uni<Principal> authenticate(String credential);
}
