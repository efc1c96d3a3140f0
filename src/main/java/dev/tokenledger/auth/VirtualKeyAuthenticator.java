package dev.tokenledger.auth;

import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.tenancy.ApiKey;

/**
 * Recognises virtual keys. The checksum is verified before anything else; the key's state comes from the bounded
 * {@link KeyCache} (PostgreSQL by the key's hash, cached for {@code tokenledger.keys.cache-ttl}). Disabled, revoked
 * and expired keys are refused with 401; while PostgreSQL cannot be asked, keys it never confirmed get 503.
 */
@ApplicationScoped
public class VirtualKeyAuthenticator implements ClientAuthenticator {

    private final KeyCache keys;
    private final String pepper;
    private final String legacyPepper;
    /** Whether keys of pepper version 1 may exist; until counted, assumed so. */
    private volatile boolean legacyKeys = true;

    @Inject
    public VirtualKeyAuthenticator(KeyCache keys, GatewayConfig config) {
        this.keys = keys;
        this.pepper = Pepper.of(config);
        this.legacyPepper = Pepper.legacy(config);
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Uni<Principal> authenticate(String credential) {
        if (pepper == null && legacyPepper == null || !VirtualKeys.wellFormed(credential)) {
            return Uni.createFrom().nullItem();
        }
        if (pepper == null) {
            return legacy(credential);
        }
        Uni<KeyCache.KeyState> current = keys.lookup(VirtualKeys.hash(pepper, credential));
        if (legacyPepper == null || !legacyKeys) {
            return current.chain(VirtualKeyAuthenticator::verdict);
        }
        return current.chain(state -> state != null ? verdict(state) : legacy(credential));
    }

    /** A key of pepper version 1 hashed with the master key: still valid until it is rotated. */
    private Uni<Principal> legacy(String credential) {
        return keys.lookup(VirtualKeys.hash(legacyPepper, credential))
                .map(state -> state != null && state.pepperVersion() == Pepper.LEGACY_VERSION ? state : null)
                .chain(VirtualKeyAuthenticator::verdict);
    }

    /**
     * Whether any key of pepper version 1 is left: without one, an unknown key costs no second lookup under the
     * master key.
     */
    void legacyKeys(boolean exist) {
        legacyKeys = exist;
    }

    /** Drops a key from this replica's cache, by its stored hash. */
    public void invalidate(String keyHash) {
        keys.invalidate(keyHash);
    }

    /** Drops every cached lookup (announcements may have been missed). */
    public void invalidateAll() {
        keys.invalidateAll();
    }

    private static Uni<Principal> verdict(KeyCache.KeyState state) {
        if (state == null) {
            return Uni.createFrom().failure(GatewayError.of(ErrorKind.AUTHENTICATION, "Incorrect API key provided."));
        }
        if (!ApiKey.ACTIVE.equals(state.status())) {
            return Uni.createFrom()
                    .failure(GatewayError.of(ErrorKind.AUTHENTICATION, "This API key is " + state.status() + "."));
        }
        OffsetDateTime expiresAt = state.expiresAt();
        if (expiresAt != null && !expiresAt.isAfter(OffsetDateTime.now())) {
            return Uni.createFrom().failure(GatewayError.of(ErrorKind.AUTHENTICATION, "This API key has expired."));
        }
        return Uni.createFrom().item(state.principal());
    }
}
