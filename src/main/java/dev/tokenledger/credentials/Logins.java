package dev.tokenledger.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.AuthHttp;
import dev.tokenledger.provider.LoginCapable;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.TokenKind;
import dev.tokenledger.provider.TokenRefreshException;

/**
 * Logins started from the admin API, whose result is stored, encrypted, as a new member of the provider's pool.
 * <ul>
 * <li><b>Device flow</b> (RFC 8628): the device authorization answer is kept in a Redis hash
 * ({@code tokenledger:login:<id>}, TTL the login's life plus {@code keep-result}; the device code sealed like a stored
 * secret). Every replica looks at the pending logins each {@code poll-tick}; only the holder of a login's lease
 * ({@code tokenledger:login-lease:<id>}) polls its token endpoint, at most once per interval: {@code authorization_pending}
 * waits, {@code slow_down} adds 5 s (or takes the server's new {@code interval}), {@code access_denied} ends
 * {@code denied}, {@code expired_token} ends {@code expired}, other errors end {@code error}; errors are read from 400
 * answers and from GitHub's 200 answers alike. Another replica takes the lease over when its holder goes away.</li>
 * <li><b>Browser flow</b>: authorization code with PKCE (S256); the {@code state} names the login once, and the
 * callback exchanges the code with the verifier.</li>
 * </ul>
 */
@ApplicationScoped
public class Logins {

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
    static final String CALLBACK_PATH = "/admin/v1/credentials/logins/callback";
    static final int MAX_PENDING = 100;
    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final String TAKE_LEASE = "local v = redis.call('get', KEYS[1]) "
            + "if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end "
            + "if v then return 0 end "
            + "redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2]) return 1";

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveSetCommands<String, String> sets;
    private final ProviderRegistry registry;
    private final CredentialStore store;
    private final CredentialPools pools;
    private final TokenRefresher refresher;
    private final Fingerprints fingerprints;
    private final Changes changes;
    private final Vertx vertx;
    private final GatewayConfig.Logins settings;
    private final AuthHttp http;
    private final String owner = UUID.randomUUID().toString();
    private final Set<String> working = ConcurrentHashMap.newKeySet();
    private volatile long timer = -1;

    @Inject
    public Logins(ReactiveRedisDataSource redis, ProviderRegistry registry, CredentialStore store,
            CredentialPools pools, TokenRefresher refresher, Fingerprints fingerprints, Changes changes, Vertx vertx,
            GatewayConfig config) {
        this.redis = redis;
        this.hashes = redis.hash(String.class);
        this.sets = redis.set(String.class);
        this.registry = registry;
        this.store = store;
        this.pools = pools;
        this.refresher = refresher;
        this.fingerprints = fingerprints;
        this.changes = changes;
        this.vertx = vertx;
        this.settings = config.credentials().logins();
        this.http = new AuthHttp(vertx.getDelegate(), config.credentials().refresh().timeout());
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(settings.pollTick().toMillis(), id -> tick().subscribe().with(ignored -> {
        }, failure -> Log.debugf("Device logins: round skipped (%s)", failure.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        http.close();
    }

    // ---- starting a login

    /**
     * Starts a login for a configured provider whose type offers logins.
     *
     * @param flow {@code device} or {@code browser}; by default the device flow when the type offers it
     * @param baseUrl the base URL the admin called, for the browser flow's redirect URI
     */
    public Uni<LoginView> start(String provider, String label, String flow, String baseUrl) {
        LoginCapable.LoginSpec spec = spec(provider);
        if (!pools.keys().configured()) {
            throw GatewayError.of(ErrorKind.CONFLICT, "Logins cannot store their credential: no key-encryption key is "
                    + "configured (tokenledger.credentials.kek or tokenledger.credentials.keks with active-kek).");
        }
        String chosen = flow != null ? flow : spec.deviceAuthorizationUrl().isPresent() ? "device" : "browser";
        return switch (chosen) {
            case "device" -> {
                if (spec.deviceAuthorizationUrl().isEmpty()) {
                    throw GatewayError.invalid("flow", "Provider '" + provider + "' offers no device login.");
                }
                yield sets.scard(PENDING).flatMap(n -> {
                    if (n >= MAX_PENDING) {
                        return Uni.createFrom().failure(GatewayError.of(ErrorKind.CONFLICT, "Too many logins are "
                                + "pending (" + MAX_PENDING + "); finish or let some expire first."));
                    }
                    return startDevice(provider, label, spec);
                });
            }
            case "browser" -> {
                if (spec.authorizeUrl().isEmpty()) {
                    throw GatewayError.invalid("flow", "Provider '" + provider + "' offers no browser login"
                            + " (its type needs an OAuth client secret for it).");
                }
                yield startBrowser(provider, label, spec, baseUrl);
            }
            default -> throw GatewayError.invalid("flow", "Unknown flow '" + OAuthErrors.bounded(chosen)
                    + "'; valid flows: [device, browser].");
        };
    }

    /** A provider id as given, or the one configured provider of a type given instead. */
    public String providerOf(String idOrType) {
        if (registry.find(idOrType).isPresent()) {
            return idOrType;
        }
        List<String> ofType = new java.util.ArrayList<>();
        registry.all().forEach(p -> {
            if (p.type().equals(idOrType)) {
                ofType.add(p.id());
            }
        });
        if (ofType.size() == 1) {
            return ofType.get(0);
        }
        throw GatewayError.invalid("provider", ofType.isEmpty()
                ? "Unknown provider '" + OAuthErrors.bounded(idOrType) + "'."
                : "Several providers have the type '" + idOrType + "': name one of " + ofType.stream().sorted().toList()
                        + ".");
    }

    private LoginCapable.LoginSpec spec(String provider) {
        if (registry.find(provider).isEmpty()) {
            throw GatewayError.invalid("provider", "Unknown provider '" + OAuthErrors.bounded(provider) + "'.");
        }
        Optional<LoginCapable> capable = registry.factory(provider).filter(LoginCapable.class::isInstance)
                .map(LoginCapable.class::cast);
        if (capable.isEmpty()) {
            throw GatewayError.invalid("provider", "Provider '" + provider + "' (type '"
                    + registry.find(provider).get().type() + "') has no login; store its key with POST "
                    + "/admin/v1/credentials instead.");
        }
        return capable.get().login(registry.resolved(provider, Map.of()).orElseThrow());
    }

    private Uni<LoginView> startDevice(String provider, String label, LoginCapable.LoginSpec spec) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", spec.clientId());
        form.put("scope", spec.scope());
        return http.form(spec.deviceAuthorizationUrl().get(), Map.of(), form)
                .onFailure().transform(f -> GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                        "The device authorization endpoint could not be reached.", "upstream_unreachable"))
                .flatMap(answer -> {
                    String deviceCode = answer.text("device_code");
                    String userCode = answer.text("user_code");
                    String verification = answer.text("verification_uri");
                    if (answer.status() != 200 || deviceCode == null || userCode == null || verification == null) {
                        return Uni.createFrom().failure(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR,
                                answer.status(), "The device authorization endpoint refused the login (HTTP "
                                        + answer.status() + (answer.text("error") != null
                                                ? ", " + OAuthErrors.bounded(answer.text("error"))
                                                : "")
                                        + ").",
                                "upstream_error"));
                    }
                    long expiresIn = Math.min(answer.json().path("expires_in").asLong(900),
                            settings.maxDuration().toSeconds());
                    int interval = Math.max(1, answer.json().path("interval").asInt(5));
                    String id = UUID.randomUUID().toString();
                    long now = System.currentTimeMillis();
                    Map<String, String> login = new LinkedHashMap<>();
                    login.put("provider", provider);
                    login.put("label", label);
                    login.put("flow", "device");
                    login.put("status", Status.PENDING.id());
                    login.put("userCode", userCode);
                    login.put("verificationUri", verification);
                    Optional.ofNullable(answer.text("verification_uri_complete"))
                            .ifPresent(v -> login.put("verificationUriComplete", v));
                    login.put("expiresAt", String.valueOf(now + expiresIn * 1000));
                    login.put("interval", String.valueOf(interval));
                    login.put("nextPollAt", String.valueOf(now + interval * 1000L));
                    login.put("deviceCode", seal(id, provider, deviceCode));
                    return save(id, login, Duration.ofSeconds(expiresIn))
                            .call(() -> sets.sadd(PENDING, id))
                            .map(ignored -> view(id, login));
                });
    }

    private Uni<LoginView> startBrowser(String provider, String label, LoginCapable.LoginSpec spec, String baseUrl) {
        String id = UUID.randomUUID().toString();
        String state = random();
        String verifier = random();
        String redirect = trimmed(settings.publicUrl().orElse(baseUrl)) + CALLBACK_PATH;
        long lifetime = Math.min(settings.maxDuration().toSeconds(), 600);
        String authorize = spec.authorizeUrl().get() + (spec.authorizeUrl().get().contains("?") ? "&" : "?")
                + "response_type=code&client_id=" + encode(spec.clientId()) + "&redirect_uri=" + encode(redirect)
                + "&scope=" + encode(spec.scope()) + "&state=" + state + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256";
        Map<String, String> login = new LinkedHashMap<>();
        login.put("provider", provider);
        login.put("label", label);
        login.put("flow", "browser");
        login.put("status", Status.PENDING.id());
        login.put("expiresAt", String.valueOf(System.currentTimeMillis() + lifetime * 1000));
        login.put("verifier", seal(id, provider, verifier));
        login.put("redirectUri", redirect);
        login.put("authorizeUrl", authorize);
        return save(id, login, Duration.ofSeconds(lifetime))
                .call(() -> redis.value(String.class).psetex(STATE + state, lifetime * 1000, id))
                .map(ignored -> view(id, login));
    }

    // ---- reading a login

    /** A login's state; 404 when none has the id (or it ended longer than {@code keep-result} ago). */
    public Uni<LoginView> status(String id) {
        return load(id).flatMap(login -> {
            if (login.isEmpty()) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.NOT_FOUND, "Login "
                        + OAuthErrors.bounded(id) + " not found."));
            }
            if (Status.PENDING.id().equals(login.get("status"))
                    && System.currentTimeMillis() >= Long.parseLong(login.get("expiresAt"))) {
                return end(id, login, Status.EXPIRED, "The login expired before the user finished it.", null)
                        .map(ended -> view(id, ended));
            }
            return Uni.createFrom().item(view(id, login));
        });
    }

    private Uni<Map<String, String>> load(String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Map.of());
        }
        return hashes.hgetall(KEY + id);
    }

    // ---- polling device logins

    /** One round: every pending device login that is due is polled by the replica holding its lease. */
    public Uni<Void> tick() {
        return sets.smembers(PENDING).flatMap(ids -> {
            if (ids.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<Uni<Void>> rounds = ids.stream().filter(working::add)
                    .map(id -> poll(id).onFailure().recoverWithNull().eventually(() -> working.remove(id))).toList();
            return rounds.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : Uni.join().all(rounds).andCollectFailures().replaceWithVoid();
        });
    }

    private Uni<Void> poll(String id) {
        return load(id).flatMap(login -> {
            if (login.isEmpty() || !Status.PENDING.id().equals(login.get("status"))) {
                return sets.srem(PENDING, id).replaceWithVoid();
            }
            long now = System.currentTimeMillis();
            if (now >= Long.parseLong(login.get("expiresAt"))) {
                return end(id, login, Status.EXPIRED, "The device code expired before the user finished.", null)
                        .replaceWithVoid();
            }
            if (now < Long.parseLong(login.get("nextPollAt"))) {
                return Uni.createFrom().voidItem();
            }
            return lease(id).flatMap(mine -> mine ? pollOnce(id, login) : Uni.createFrom().voidItem());
        });
    }

    private Uni<Boolean> lease(String id) {
        return redis.execute("EVAL", TAKE_LEASE, "1", LEASE + id, owner, String.valueOf(settings.lease().toMillis()))
                .map(r -> r != null && r.toLong() == 1);
    }

    private Uni<Void> pollOnce(String id, Map<String, String> login) {
        String provider = login.get("provider");
        LoginCapable.LoginSpec spec;
        String deviceCode;
        try {
            spec = spec(provider);
            deviceCode = open(id, provider, login.get("deviceCode"));
        } catch (RuntimeException e) {
            return end(id, login, Status.ERROR, "The login cannot go on: " + OAuthErrors.bounded(e.getMessage()), null)
                    .replaceWithVoid();
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", spec.clientId());
        form.put("device_code", deviceCode);
        form.put("grant_type", DEVICE_GRANT);
        int interval = Integer.parseInt(login.get("interval"));
        return http.form(spec.tokenUrl(), Map.of(), form)
                .onFailure().recoverWithItem(f -> new AuthHttp.Answer(0, com.fasterxml.jackson.databind.node.MissingNode
                        .getInstance()))
                .flatMap(answer -> {
                    String error = answer.text("error");
                    String accessToken = answer.text("access_token");
                    if (error == null && accessToken != null && answer.status() == 200) {
                        return complete(id, login, spec, answer);
                    }
                    if (error == null) {
                        // no answer, or not one of the protocol's: try again at the next interval
                        return next(id, interval);
                    }
                    return switch (error) {
                        case "authorization_pending" -> next(id, interval);
                        case "slow_down" -> next(id, answer.json().path("interval").asInt(0) > interval
                                ? answer.json().path("interval").asInt()
                                : interval + 5);
                        case "access_denied" -> end(id, login, Status.DENIED, "The user refused the login.", null)
                                .replaceWithVoid();
                        case "expired_token" -> end(id, login, Status.EXPIRED,
                                "The device code expired before the user finished.", null).replaceWithVoid();
                        default -> end(id, login, Status.ERROR, "The token endpoint answered '"
                                + OAuthErrors.bounded(error) + "'.", null).replaceWithVoid();
                    };
                });
    }

    private Uni<Void> next(String id, int interval) {
        return hashes.hset(KEY + id, Map.of("interval", String.valueOf(interval), "nextPollAt",
                String.valueOf(System.currentTimeMillis() + interval * 1000L))).replaceWithVoid();
    }

    // ---- the browser callback

    /**
     * The browser's return from the authorization server: the {@code state} names a pending login once (a second
     * use finds nothing), the code is exchanged with the login's PKCE verifier.
     *
     * @return the login after the exchange
     */
    public Uni<LoginView> callback(String code, String state, String error) {
        if (state == null || state.isBlank() || state.length() > 200) {
            return Uni.createFrom().failure(GatewayError.invalid("state", "Missing or invalid 'state'."));
        }
        return redis.value(String.class).getdel(STATE + state).flatMap(id -> {
            if (id == null) {
                return Uni.createFrom().failure(GatewayError.invalid("state",
                        "Unknown, expired or already used 'state'."));
            }
            return load(id).flatMap(login -> {
                if (login.isEmpty() || !Status.PENDING.id().equals(login.get("status"))) {
                    return Uni.createFrom().failure(GatewayError.of(ErrorKind.CONFLICT, "The login is no longer "
                            + "pending."));
                }
                if (error != null) {
                    Status status = "access_denied".equals(error) ? Status.DENIED : Status.ERROR;
                    return end(id, login, status, "The authorization server answered '" + OAuthErrors.bounded(error)
                            + "'.", null).map(ended -> view(id, ended));
                }
                if (code == null || code.isBlank() || code.length() > 2000) {
                    return Uni.createFrom().failure(GatewayError.invalid("code", "Missing or invalid 'code'."));
                }
                String provider = login.get("provider");
                LoginCapable.LoginSpec spec = spec(provider);
                Map<String, String> form = new LinkedHashMap<>();
                form.put("grant_type", "authorization_code");
                form.put("code", code);
                form.put("redirect_uri", login.get("redirectUri"));
                form.put("client_id", spec.clientId());
                spec.clientSecret().ifPresent(s -> form.put("client_secret", s));
                form.put("code_verifier", open(id, provider, login.get("verifier")));
                return http.form(spec.tokenUrl(), Map.of(), form)
                        .onFailure().recoverWithItem(f -> new AuthHttp.Answer(0,
                                com.fasterxml.jackson.databind.node.MissingNode.getInstance()))
                        .flatMap(answer -> answer.status() == 200 && answer.text("error") == null
                                && answer.text("access_token") != null
                                        ? complete(id, login, spec, answer)
                                        : end(id, login, Status.ERROR, "The code exchange failed (HTTP " + answer.status()
                                                + (answer.text("error") != null
                                                        ? ", " + OAuthErrors.bounded(answer.text("error"))
                                                        : "")
                                                + ").", null).replaceWithVoid())
                        .flatMap(ignored -> load(id)).map(ended -> view(id, ended));
            });
        });
    }

    // ---- the outcome

    /** Stores the login's token as a new pool member and ends the login {@code ok}. */
    private Uni<Void> complete(String id, Map<String, String> login, LoginCapable.LoginSpec spec, AuthHttp.Answer answer) {
        String provider = login.get("provider");
        String accessToken = answer.text("access_token");
        String refreshToken = answer.text("refresh_token");
        long expiresIn = answer.json().path("expires_in").asLong(0);
        Map<String, String> grant = new LinkedHashMap<>();
        grant.put("loginToken", accessToken);
        if (refreshToken != null) {
            grant.put(OAuthRefreshTokens.REFRESH_TOKEN, refreshToken);
            grant.put(OAuthRefreshTokens.TOKEN_URL, spec.tokenUrl());
            grant.put(OAuthRefreshTokens.CLIENT_ID, spec.clientId());
            spec.clientSecret().ifPresent(s -> grant.put(OAuthRefreshTokens.CLIENT_SECRET, s));
        }
        Optional<TokenKind> kind = spec.tokenKind().flatMap(refresher::kind)
                .or(() -> refreshToken != null ? refresher.kind(OAuthRefreshTokens.ID) : Optional.empty());
        Map<String, String> identity = Fingerprints.newIdentity();
        Secret secret = new Secret(accessToken, Map.of(), kind.map(TokenKind::id).orElse(null), grant, null, identity);
        Instant now = Instant.now();
        TokenKind.FreshToken issued = new TokenKind.FreshToken(accessToken,
                expiresIn > 0 ? now.plusSeconds(expiresIn) : null, null, null, Map.of());
        Uni<TokenKind.FreshToken> token = kind.filter(TokenKind::exchangesLoginToken)
                .map(k -> k.refresh(new TokenKind.Grant(registry.resolved(provider,
                        fingerprints.headers(provider, identity)).orElseThrow(), null, grant)))
                .orElse(Uni.createFrom().item(issued));
        UUID credentialId = UUID.randomUUID();
        return token.flatMap(fresh -> {
            Secret stored = secret.refreshed(fresh.accessToken(), fresh.endpoint(), fresh.values());
            Instant refreshAt = kind.isPresent() ? refresher.refreshAt(fresh, Instant.now()) : null;
            return store.insert(credentialId, provider, login.get("label"), CredentialKind.OAUTH,
                    pools.keys().seal(credentialId, provider, stored.encode()), time(fresh.expiresAt()), time(refreshAt));
        }).call(row -> pools.credentialsChanged().call(() -> changes.announce(Change.of(Change.Kind.CREDENTIALS))
                .onFailure().recoverWithNull()))
                .flatMap(row -> {
                    Log.infof("Login %s stored credential %s for provider '%s'", id, row.id(), provider);
                    return end(id, login, Status.OK, null, row.id().toString()).replaceWithVoid();
                })
                .onFailure().recoverWithUni(f -> end(id, login, Status.ERROR, f instanceof TokenRefreshException
                        ? OAuthErrors.bounded(f.getMessage())
                        : "The credential could not be stored.", null).replaceWithVoid());
    }

    private Uni<Map<String, String>> end(String id, Map<String, String> login, Status status, String error,
            String credentialId) {
        Map<String, String> ended = new HashMap<>(login);
        ended.put("status", status.id());
        ended.remove("deviceCode");
        ended.remove("verifier");
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
                .call(() -> hashes.hdel(KEY + id, "deviceCode", "verifier"))
                .call(() -> redis.key(String.class).pexpire(KEY + id, settings.keepResult().toMillis()))
                .call(() -> sets.srem(PENDING, id))
                .call(() -> redis.key(String.class).del(LEASE + id))
                .replaceWith(ended);
    }

    private Uni<Void> save(String id, Map<String, String> login, Duration lifetime) {
        return hashes.hset(KEY + id, login)
                .call(() -> redis.key(String.class).pexpire(KEY + id, lifetime.plus(settings.keepResult()).toMillis()))
                .replaceWithVoid();
    }

    private static LoginView view(String id, Map<String, String> login) {
        String expires = login.get("expiresAt");
        String interval = login.get("interval");
        return new LoginView(id, login.get("provider"), login.get("flow"), login.get("status"), login.get("userCode"),
                login.get("verificationUri"), login.get("verificationUriComplete"), login.get("authorizeUrl"),
                expires == null
                        ? null
                        : OffsetDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(expires)),
                                ZoneOffset.UTC),
                interval == null ? null : Integer.valueOf(interval), login.get("credentialId"), login.get("error"));
    }

    // ---- secrets of a pending login

    private String seal(String id, String provider, String secret) {
        KeyEncryption.Sealed s = pools.keys().seal(UUID.fromString(id), provider,
                secret.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        return s.kekId() + ":" + b64.encodeToString(s.wrappedKey()) + ":" + b64.encodeToString(s.sealedSecret());
    }

    private String open(String id, String provider, String sealed) {
        String[] parts = sealed == null ? new String[0] : sealed.split(":", 3);
        if (parts.length != 3) {
            throw new KeyEncryption.UnwrapException("The login's sealed code is missing");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return new String(pools.keys().open(UUID.fromString(id), provider, new KeyEncryption.Sealed(parts[0],
                b64.decode(parts[1]), b64.decode(parts[2]))), StandardCharsets.UTF_8);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        // made at run time, per value: a static generator would be built into the native image with the build's seed
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The S256 code challenge of a verifier (RFC 7636 §4.2). */
    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available");
        }
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String trimmed(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
