package dev.tokenledger.credentials;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.tokenledger.config.GatewayConfig;

/**
 * Envelope encryption of credential secrets with AES-256-GCM: each row's secret is sealed under its own random data
 * key, and the data key is wrapped by a key-encryption key (KEK) from the configuration, named by its id. Every
 * encryption takes a fresh random 96-bit nonce (stored in front of the ciphertext), and the additional authenticated
 * data binds the ciphertext to the row id and provider (and the wrapped key to the KEK id), so a sealed secret copied
 * to another row or provider does not open. Messages name key ids, never keys.
 */
public final class KeyEncryption {

    /** A secret sealed for one row: the wrapping KEK's id, the wrapped data key, and the sealed secret. */
    public record Sealed(String kekId, byte[] wrappedKey, byte[] sealedSecret) {
    }

    /** A row's data key could not be unwrapped or its secret not opened: wrong or missing KEK, or altered row. */
    public static final class UnwrapException extends RuntimeException {
        UnwrapException(String message) {
            super(message);
        }
    }

    static final String DEFAULT_ID = "default";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String PREFIX = "tokenledger.credentials.";

    private final Map<String, SecretKey> keks;
    private final String active;
    private final SecureRandom random = new SecureRandom();

    KeyEncryption(Map<String, SecretKey> keks, String active) {
        this.keks = Map.copyOf(keks);
        this.active = active;
    }

    /**
     * The KEKs of the configuration; none when neither {@code kek} nor {@code keks} is set.
     *
     * @throws IllegalStateException naming the property at fault (never its value)
     */
    public static KeyEncryption from(GatewayConfig.Credentials config) {
        Map<String, SecretKey> keks = new LinkedHashMap<>();
        config.kek().ifPresent(k -> keks.put(DEFAULT_ID, key(k, PREFIX + "kek")));
        config.keks().forEach((id, k) -> {
            if (keks.containsKey(id)) {
                throw new IllegalStateException(PREFIX + "keks." + id + ": the id '" + id + "' is also the id of "
                        + PREFIX + "kek; give the key another id");
            }
            keks.put(id, key(k, PREFIX + "keks." + id));
        });
        String active = config.activeKek().orElseGet(() -> keks.size() == 1
                ? keks.keySet().iterator().next()
                : keks.containsKey(DEFAULT_ID) ? DEFAULT_ID : null);
        if (!keks.isEmpty() && active == null) {
            throw new IllegalStateException(PREFIX + "active-kek: required when several keys are configured; key ids: "
                    + new TreeSet<>(keks.keySet()));
        }
        if (active != null && !keks.containsKey(active)) {
            throw new IllegalStateException(PREFIX + "active-kek: no key with the id '" + active + "'; key ids: "
                    + new TreeSet<>(keks.keySet()));
        }
        return new KeyEncryption(keks, active);
    }

    private static SecretKey key(String base64, String property) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + ": not base64; expected 32 random bytes in base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(property + ": " + bytes.length
                    + " bytes; an AES-256 key-encryption key is 32 random bytes in base64");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** Whether any KEK is configured (credentials can be stored). */
    public boolean configured() {
        return active != null;
    }

    /** The id of the KEK that wraps new and re-wrapped data keys. */
    public Optional<String> activeId() {
        return Optional.ofNullable(active);
    }

    /** Seals a secret for a row under a new data key wrapped by the active KEK. */
    public Sealed seal(UUID rowId, String provider, byte[] secret) {
        if (active == null) {
            throw new IllegalStateException("No key-encryption key is configured (" + PREFIX + "kek)");
        }
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] sealed = encrypt(new SecretKeySpec(dataKey, "AES"), secret, secretAad(rowId, provider));
        byte[] wrapped = encrypt(keks.get(active), dataKey, keyAad(rowId, provider, active));
        java.util.Arrays.fill(dataKey, (byte) 0);
        return new Sealed(active, wrapped, sealed);
    }

    /** Opens a row's secret. */
    public byte[] open(UUID rowId, String provider, Sealed sealed) {
        byte[] dataKey = unwrap(rowId, provider, sealed);
        try {
            return decrypt(new SecretKeySpec(dataKey, "AES"), sealed.sealedSecret(), secretAad(rowId, provider));
        } catch (GeneralSecurityException e) {
            throw new UnwrapException("The secret of credential " + rowId + " does not open with its data key "
                    + "(the row was altered)");
        } finally {
            java.util.Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The row's data key wrapped by the active KEK instead; the sealed secret stays as it is. */
    public Sealed rewrap(UUID rowId, String provider, Sealed sealed) {
        byte[] dataKey = unwrap(rowId, provider, sealed);
        try {
            return new Sealed(active, encrypt(keks.get(active), dataKey, keyAad(rowId, provider, active)),
                    sealed.sealedSecret());
        } finally {
            java.util.Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] unwrap(UUID rowId, String provider, Sealed sealed) {
        SecretKey kek = keks.get(sealed.kekId());
        if (kek == null) {
            throw new UnwrapException("Credential " + rowId + " is wrapped by the key-encryption key '"
                    + sealed.kekId() + "', which is not configured (" + PREFIX + "keks." + sealed.kekId()
                    + "); configured key ids: " + new TreeSet<>(keks.keySet()));
        }
        try {
            return decrypt(kek, sealed.wrappedKey(), keyAad(rowId, provider, sealed.kekId()));
        } catch (GeneralSecurityException e) {
            throw new UnwrapException("Credential " + rowId + " does not unwrap with the configured key-encryption key '"
                    + sealed.kekId() + "': that key is not the one the row was stored with");
        }
    }

    private byte[] encrypt(SecretKey key, byte[] plain, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName());
        }
    }

    private static byte[] decrypt(SecretKey key, byte[] sealed, byte[] aad) throws GeneralSecurityException {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new javax.crypto.AEADBadTagException("too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
        cipher.updateAAD(aad);
        return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }

    private static byte[] secretAad(UUID rowId, String provider) {
        return ("tokenledger/credential/v1|" + rowId + "|" + provider).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] keyAad(UUID rowId, String provider, String kekId) {
        return ("tokenledger/data-key/v1|" + rowId + "|" + provider + "|" + kekId).getBytes(StandardCharsets.UTF_8);
    }
}
