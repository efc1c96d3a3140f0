package dev.tokenledger.auth;

import dev.tokenledger.config.GatewayConfig;

/** The pepper of key hashes: the configured one, else the master key; null when neither is set. */
public final class Pepper {

    private Pepper() {
    }

    public static String of(GatewayConfig config) {
        return config.keys().pepper().filter(p -> !p.isBlank())
                .or(() -> config.masterKey().filter(k -> !k.isBlank()))
                .orElse(null);
    }
}
