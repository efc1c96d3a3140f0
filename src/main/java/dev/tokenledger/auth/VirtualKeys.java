package dev.tokenledger.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.CRC32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The virtual key format and its storage hash. A key is {@code tl-} + 40 random base62 characters + 6 base62
 * characters of the CRC32 of what precedes them, so secret scanners can recognise keys and typos are rejected before
 * any lookup. Only {@code HMAC-SHA-256(pepper, key)} is ever stored. Pure: no I/O.
 */
public final class VirtualKeys {

    public static final String PREFIX = "tl-";
    static final int BODY_LENGTH = 40;
    static final int CHECKSUM_LENGTH = 6;
    public static final int LENGTH = PREFIX.length() + BODY_LENGTH + CHECKSUM_LENGTH;
    /** For secret scanners. */
    public static final String PATTERN = "\\btl-[0-9A-Za-z]{46}\\b";

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    /**
     * The generator, created on first use. A native image initialises classes at build time by default, and a seeded
     * generator there would be frozen into the executable and shared by every run: this holder is initialised at run
     * time (quarkus.native.additional-build-args in application.yaml).
     */
    static final class Random {
        static final SecureRandom INSTANCE = new SecureRandom();

        private Random() {
        }
    }

    private VirtualKeys() {
    }

    /** A new random key. */
    public static String generate() {
        StringBuilder key = new StringBuilder(LENGTH).append(PREFIX);
        for (int i = 0; i < BODY_LENGTH; i++) {
            key.append(BASE62[Random.INSTANCE.nextInt(BASE62.length)]);
        }
        return key.append(checksum(key)).toString();
    }

    /** Whether a string has the shape and checksum of a key; says nothing about whether the key exists. */
    public static boolean wellFormed(String key) {
        if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return checksum(key.substring(0, LENGTH - CHECKSUM_LENGTH)).equals(key.substring(LENGTH - CHECKSUM_LENGTH));
    }

    /** Base62 of the IEEE CRC32 of the UTF-8 bytes, left-padded with '0' to 6 characters. */
    static String checksum(CharSequence prefixAndBody) {
        CRC32 crc = new CRC32();
        crc.update(prefixAndBody.toString().getBytes(StandardCharsets.UTF_8));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(out);
    }

    /** Each thread's HMAC under the pepper it was keyed with: looking up and keying a Mac costs more than hashing. */
    private static final ThreadLocal<KeyedMac> MACS = new ThreadLocal<>();

    /** Not a record: its text form must never carry the pepper. */
    private static final class KeyedMac {
        private final String pepper;
        private final Mac mac;

        KeyedMac(String pepper, Mac mac) {
            this.pepper = pepper;
            this.mac = mac;
        }

        String pepper() {
            return pepper;
        }

        Mac mac() {
            return mac;
        }
    }

    /** The stored form: lowercase hex HMAC-SHA-256 of the key under the pepper. */
    public static String hash(String pepper, String key) {
        KeyedMac keyed = MACS.get();
        if (keyed == null || !keyed.pepper().equals(pepper)) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                keyed = new KeyedMac(pepper, mac);
                MACS.set(keyed);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA-256 is not available", e);
            }
        }
        // doFinal leaves the Mac reset and keyed for the next key
        return HexFormat.of().formatHex(keyed.mac().doFinal(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** What may be shown of a key after creation: its prefix and first characters. */
    public static String displayPrefix(String key) {
        return key.substring(0, PREFIX.length() + 6);
    }

    public static String last4(String key) {
        return key.substring(key.length() - 4);
    }
}
