package dev.tokenledger.credentials;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.config.GatewayConfig;

/**
 * The state of running logins in Redis, shared by every replica: one hash per login ({@code tokenledger:login:<id>},
 * living the login's life plus {@code keep-result}), the set of pending device logins, the device-poll leases and the
 * browser {@code state} → login id keys. Codes and verifiers are sealed with the active key-encryption key like a
 * stored secret, and removed when the login ends.
 */
@ApplicationScoped
public class LoginState {

    /** A login's outcome so far. */
    public enum Status {
        PENDING, OK, DENIED, EXPIRED, ERROR;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A login as the admin API shows it: never its device code, verifier or tokens. */
    public record LoginView(String loginId, String provider, String flow, String status, String userCode,
            String verificationUri, String verificationUriComplete, String authorizeUrl, OffsetDateTime expiresAt,
            Integer interval, String credentialId, String error) {
    }

    static final String KEY = "tokenledger:login:";
    static final String PENDING = "tokenledger:logins:pending";
    static final String LEASE = "tokenledger:login-lease:";
    static final String STATE = "tokenledger:login-state:";

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveSetCommands<String, String> sets;
    private final CredentialPools pools;
    private final GatewayConfig.Logins settings;

    @Inject
    public LoginState(ReactiveRedisDataSource redis, CredentialPools pools, GatewayConfig config) {
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.sets = redis.set(String.class);
        this.pools = pools;
        this.settings = config.credentials().logins();
    }

    ReactiveRedisDataSource redis() {
        return redis;
    }

    ReactiveSetCommands<String, String> sets() {
        return sets;
    }

    /** A login's hash; empty when none has the id (or it is not a login id at all). */
    Uni<Map<String, String>> load(String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Map.of());
        }
        return hashes.hgetall(KEY + id);
    }

    /** Stores a new login's hash, living {@code lifetime} plus {@code keep-result}. */
    Uni<Void> save(String id, Map<String, String> login, Duration lifetime) {
        return hashes.hset(KEY + id, login)
                .call(() -> redis.key(String.class).pexpire(KEY + id, lifetime.plus(settings.keepResult()).toMillis()))
                .replaceWithVoid();
    }

    /** Changes some fields of a login's hash. */
    Uni<Void> update(String id, Map<String, String> fields) {
        return hashes.hset(KEY + id, fields).replaceWithVoid();
    }

    /** Ends a login: its outcome kept for {@code keep-result}, its sealed codes removed, its lease and pending entry gone. */
    Uni<Map<String, String>> end(String id, Map<String, String> login, Status status, String error,
            String credentialId) {
        Map<String, String> ended = new HashMap<>(login);
        ended.put("status", status.id());
        ended.remove("deviceCode");
        ended.remove("verifier");
        ended.remove("client");
        Map<String, String> changed = new HashMap<>();
        changed.put("status", status.id());
        if (error != null) {
            ended.put("error", error);
            changed.put("error", error);
        }
        if (credentialId != null) {
            ended.put("credentialId", credentialId);
            changed.put("credentialId", credentialId);
        }
        if (status != Status.OK) {
            Log.infof("Login %s for provider '%s' ended %s", id, login.get("provider"), status.id());
        }
        return hashes.hset(KEY + id, changed)
                .call(() -> hashes.hdel(KEY + id, "deviceCode", "verifier", "client"))
                .call(() -> redis.key(String.class).pexpire(KEY + id, settings.keepResult().toMillis()))
                .call(() -> sets.srem(PENDING, id))
                .call(() -> redis.key(String.class).del(LEASE + id))
                .replaceWith(ended);
    }

    static LoginView view(String id, Map<String, String> login) {
        String expires = login.get("expiresAt");
        String interval = login.get("interval");
        return new LoginView(id, login.get("provider"), login.get("flow"), login.get("status"), login.get("userCode"),
                login.get("verificationUri"), login.get("verificationUriComplete"), login.get("authorizeUrl"),
                expires == null
                        ? null
                        : OffsetDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(expires)), ZoneOffset.UTC),
                interval == null ? null : Integer.valueOf(interval), login.get("credentialId"), login.get("error"));
    }

    /** A JSON object of strings kept in a login's hash (its options, its registered client); empty when absent. */
    static Map<String, String> map(String json) {
        com.fasterxml.jackson.databind.node.ObjectNode node = json == null
                ? null
                : dev.tokenledger.json.Json.tryParseObject(json);
        if (node == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(),
                e.getValue().asText()));
        return out;
    }

    /** A secret of a pending login (device code, PKCE verifier), sealed for the login's hash. */
    String seal(String id, String provider, String secret) {
        KeyEncryption.Sealed s = pools.keys().seal(UUID.fromString(id), provider,
                secret.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        return s.kekId() + ":" + b64.encodeToString(s.wrappedKey()) + ":" + b64.encodeToString(s.sealedSecret());
    }

    String open(String id, String provider, String sealed) {
        String[] parts = sealed == null ? new String[0] : sealed.split(":", 3);
        if (parts.length != 3) {
            throw new KeyEncryption.UnwrapException("The login's sealed code is missing");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return new String(pools.keys().open(UUID.fromString(id), provider, new KeyEncryption.Sealed(parts[0],
                b64.decode(parts[1]), b64.decode(parts[2]))), StandardCharsets.UTF_8);
    }
}
