package dev.tokenledger.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tokenledger.config.GatewayConfig;

/**
 * The console's session cookie: {@code kind.expiry.csrf.token} signed with HMAC-SHA-256 under a key derived from the
 * master key (a new master key ends every session). A master-key session carries no credential; an OIDC session
 * carries the access token it was opened with, verified again on every request. The cookie is HttpOnly,
 * SameSite=Strict, Secure over https, and scoped to {@code /console}.
 */
@ApplicationScoped
public class ConsoleSession {

    public static final String COOKIE = "tl_console";
    static final Duration LIFETIME = Duration.ofHours(8);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    /** Cookies larger than this are not read: a session is a few hundred bytes, an OIDC token a few kilobytes. */
    private static final int MAX_COOKIE = 8192;

    /** One session: {@code master} or {@code oidc}, until when, its CSRF token, and the OIDC access token if any. */
    public record Session(String kind, Instant expires, String csrf, String token) {
    }

    private final byte[] key;
    private final byte[] masterKey;

    @Inject
    public ConsoleSession(GatewayConfig config) {
        this.masterKey = config.masterKey().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
        byte[] derived = new byte[32];
        if (masterKey == null) {
            new SecureRandom().nextBytes(derived);
        } else {
            derived = hmac(masterKey, "tokenledger console session v1".getBytes(StandardCharsets.UTF_8));
        }
        this.key = derived;
    }

    /** Whether {@code candidate} is the master key (constant time). */
    public boolean isMasterKey(String candidate) {
        return masterKey != null && candidate != null
                && MessageDigest.isEqual(masterKey, candidate.trim().getBytes(StandardCharsets.UTF_8));
    }

    public Session open(String kind, String token) {
        byte[] csrf = new byte[18];
        new SecureRandom().nextBytes(csrf);
        return new Session(kind, Instant.now().plus(LIFETIME), B64.encodeToString(csrf), token);
    }

    public String encode(Session s) {
        String payload = s.kind() + "." + s.expires().getEpochSecond() + "." + s.csrf() + "."
                + (s.token() == null ? "" : B64.encodeToString(s.token().getBytes(StandardCharsets.UTF_8)));
        return payload + "." + B64.encodeToString(hmac(key, payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** The session of a cookie value, when its signature holds and it has not expired. */
    public Optional<Session> decode(String cookie) {
        if (cookie == null || cookie.length() > MAX_COOKIE) {
            return Optional.empty();
        }
        int sig = cookie.lastIndexOf('.');
        if (sig < 0) {
            return Optional.empty();
        }
        String payload = cookie.substring(0, sig);
        try {
            if (!MessageDigest.isEqual(hmac(key, payload.getBytes(StandardCharsets.UTF_8)),
                    D64.decode(cookie.substring(sig + 1)))) {
                return Optional.empty();
            }
            String[] parts = payload.split("\\.", -1);
            if (parts.length != 4 || !("master".equals(parts[0]) || "oidc".equals(parts[0]))) {
                return Optional.empty();
            }
            Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[1]));
            if (expires.isBefore(Instant.now())) {
                return Optional.empty();
            }
            String token = parts[3].isEmpty() ? null : new String(D64.decode(parts[3]), StandardCharsets.UTF_8);
            return Optional.of(new Session(parts[0], expires, parts[2], token));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The Set-Cookie value of a session ({@code null} ends it). */
    public static String cookie(String value, boolean secure) {
        return COOKIE + "=" + (value == null ? "" : value) + "; Path=/console; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + (value == null ? "; Max-Age=0" : "; Max-Age=" + LIFETIME.toSeconds());
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
