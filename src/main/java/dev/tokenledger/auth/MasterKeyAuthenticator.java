package dev.tokenledger.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.config.GatewayConfig;

/** Recognises the configured master key, compared in constant time. */
@ApplicationScoped
public class MasterKeyAuthenticator implements ClientAuthenticator {

    private final byte[] masterKey;

    @Inject
    public MasterKeyAuthenticator(GatewayConfig config) {
        this.masterKey = config.masterKey().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Uni<Principal> authenticate(String credential) {
        if (masterKey != null && MessageDigest.isEqual(masterKey, credential.getBytes(StandardCharsets.UTF_8))) {
            return Uni.createFrom().item(Principal.MASTER);
        }
        return Uni.createFrom().nullItem();
    }
}
