package dev.tokenledger.auth;

import dev.tokenledger.config.GatewayConfig;

/**
 * The peppers of key hashes. New keys are hashed with {@code tokenledger.keys.pepper} only (pepper version 2), so
 * rotating the master key never touches them. Keys issued before the pepper was separate (version 1) were hashed with
 * the pepper configured then or, when there was none, with the master key: the master key still verifies those until
 * they are rotated.
 */
public final class Pepper {

    /** Keys hashed with the configured pepper. */
    public static final int CURRENT_VERSION = 2;
    /** Keys hashed with the configured pepper or, when none was set, the master key. */
    public static final int LEGACY_VERSION = 1;

    private Pepper() {
    }

    /** The pepper new keys are hashed with; null when not configured (then no key can be issued). */
    public static String of(GatewayConfig config) {
        return config.keys().pepper().filter(p -> !p.isBlank()).orElse(null);
    }

    /** The master key as the pepper of version-1 keys; null when there is none or it is the configured pepper. */
    public static String legacy(GatewayConfig config) {
        String pepper = of(config);
        return config.masterKey().filter(k -> !k.isBlank() && !k.equals(pepper)).orElse(null);
    }
}
