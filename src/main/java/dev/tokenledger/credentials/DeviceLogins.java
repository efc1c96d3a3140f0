package dev.tokenledger.credentials;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.json.Json;
import dev.tokenledger.provider.DeviceGrant;
import dev.tokenledger.provider.LoginCapable;

/**
 * Device logins (RFC 8628) and their one poller across replicas. Starting one asks the provider's device authorization
 * endpoint for codes and keeps them in the login's hash ({@link LoginState}, the device code sealed). Every replica
 * looks at the pending logins each {@code poll-tick}; only the holder of a login's lease
 * ({@code tokenledger:login-lease:<id>}, renewed at each poll; another replica takes it over when its holder goes away)
 * polls the token endpoint, at most once per interval: {@code authorization_pending} waits, {@code slow_down} adds 5 s
 * (or takes the server's new {@code interval}), {@code access_denied} ends {@code denied}, {@code expired_token} (or the
 * login's own expiry) ends {@code expired}, other errors end {@code error}; errors are read from 400 answers and from
 * GitHub's 200 answers alike. A type whose server does not take RFC 8628's forms (AWS SSO OIDC) hands out its own
 * {@link DeviceGrant} for the calls; everything else stays the same.
 */
@Singleton
public class DeviceLogins extends LoginFlow {

    static final int MAX_PENDING = 100;
    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final String TAKE_LEASE = "local v = redis.call('get', KEYS[1]) "
            + "if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end "
            + "if v then return 0 end "
            + "redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2]) return 1";

    private final Vertx vertx;
    private final String owner = UUID.randomUUID().toString();
    private final Set<String> working = ConcurrentHashMap.newKeySet();
    private volatile long timer = -1;

    @Inject
    public DeviceLogins(LoginState state, LoginProviders providers, LoginCompletion completion, Vertx vertx,
            GatewayConfig config) {
        super(state, providers, completion, vertx, config);
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(settings.pollTick().toMillis(), id -> tick().subscribe().with(ignored -> {
        }, failure -> Log.debugf("Device logins: round skipped (%s)", failure.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Starts a device login: at most {@link #MAX_PENDING} are pending at once.
     *
     * @param options the provider options this login sets (kept with the login for its polls)
     */
    Uni<LoginState.LoginView> start(String provider, String label, LoginCapable.LoginSpec spec,
            Map<String, String> options) {
        return state.sets().scard(LoginState.PENDING).flatMap(n -> {
            if (n >= MAX_PENDING) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.CONFLICT, "Too many logins are "
                        + "pending (" + MAX_PENDING + "); finish or let some expire first."));
            }
            return codes(spec).flatMap(codes -> pending(provider, label, options, codes));
        });
    }

    /** Device codes: from the type's own grant, or RFC 8628's device authorization endpoint. */
    private Uni<DeviceGrant.Codes> codes(LoginCapable.LoginSpec spec) {
        if (spec.deviceGrant().isPresent()) {
            return spec.deviceGrant().get().start();
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", spec.clientId());
        form.put("scope", spec.scope());
        return http.form(spec.deviceAuthorizationUrl().get(), Map.of(), form)
                .onFailure().transform(f -> GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                        "The device authorization endpoint could not be reached.", "upstream_unreachable"))
                .map(answer -> {
                    String deviceCode = answer.text("device_code");
                    String userCode = answer.text("user_code");
                    String verification = answer.text("verification_uri");
                    if (answer.status() != 200 || deviceCode == null || userCode == null || verification == null) {
                        throw refused(answer.status(), answer.text("error"));
                    }
                    return new DeviceGrant.Codes(deviceCode, userCode, verification,
                            answer.text("verification_uri_complete"), answer.json().path("expires_in").asLong(900),
                            answer.json().path("interval").asInt(5), Map.of());
                });
    }

    /** The error of a device authorization endpoint that refused a login. */
    public static GatewayError refused(int status, String error) {
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, status, "The device authorization endpoint refused the "
                + "login (HTTP " + status + (error != null ? ", " + OAuthErrors.bounded(error) : "") + ").",
                "upstream_error");
    }

    private Uni<LoginState.LoginView> pending(String provider, String label, Map<String, String> options,
            DeviceGrant.Codes codes) {
        long expiresIn = Math.min(codes.expiresIn() > 0 ? codes.expiresIn() : 900, settings.maxDuration().toSeconds());
        int interval = Math.max(1, codes.interval() > 0 ? codes.interval() : 5);
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        Map<String, String> login = new LinkedHashMap<>();
        login.put("provider", provider);
        login.put("label", label);
        login.put("flow", "device");
        login.put("status", LoginState.Status.PENDING.id());
        login.put("userCode", codes.userCode());
        login.put("verificationUri", codes.verificationUri());
        Optional.ofNullable(codes.verificationUriComplete()).ifPresent(v -> login.put("verificationUriComplete", v));
        login.put("expiresAt", String.valueOf(now + expiresIn * 1000));
        login.put("interval", String.valueOf(interval));
        login.put("nextPollAt", String.valueOf(now + interval * 1000L));
        login.put("deviceCode", state.seal(id, provider, codes.deviceCode()));
        if (!options.isEmpty()) {
            login.put("options", Json.MAPPER.valueToTree(options).toString());
        }
        if (!codes.client().isEmpty()) {
            login.put("client", state.seal(id, provider, Json.MAPPER.valueToTree(codes.client()).toString()));
        }
        return state.save(id, login, Duration.ofSeconds(expiresIn))
                .call(() -> state.sets().sadd(LoginState.PENDING, id))
                .map(ignored -> LoginState.view(id, login));
    }

    /** One round: every pending device login that is due is polled by the replica holding its lease. */
    public Uni<Void> tick() {
        return state.sets().smembers(LoginState.PENDING).flatMap(ids -> {
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
        return state.load(id).flatMap(login -> {
            if (login.isEmpty() || !LoginState.Status.PENDING.id().equals(login.get("status"))) {
                return state.sets().srem(LoginState.PENDING, id).replaceWithVoid();
            }
            long now = System.currentTimeMillis();
            if (now >= Long.parseLong(login.get("expiresAt"))) {
                return state.end(id, login, LoginState.Status.EXPIRED,
                        "The device code expired before the user finished.", null).replaceWithVoid();
            }
            if (now < Long.parseLong(login.get("nextPollAt"))) {
                return Uni.createFrom().voidItem();
            }
            return lease(id).flatMap(mine -> mine ? pollOnce(id, login) : Uni.createFrom().voidItem());
        });
    }

    private Uni<Boolean> lease(String id) {
        return state.redis().execute("EVAL", TAKE_LEASE, "1", LoginState.LEASE + id, owner,
                String.valueOf(settings.lease().toMillis())).map(r -> r != null && r.toLong() == 1);
    }

    private Uni<Void> pollOnce(String id, Map<String, String> login) {
        String provider = login.get("provider");
        LoginCapable.LoginSpec spec;
        String deviceCode;
        Map<String, String> client;
        try {
            spec = providers.spec(provider, LoginState.map(login.get("options")));
            deviceCode = state.open(id, provider, login.get("deviceCode"));
            client = login.containsKey("client")
                    ? LoginState.map(state.open(id, provider, login.get("client")))
                    : Map.of();
        } catch (RuntimeException e) {
            return state.end(id, login, LoginState.Status.ERROR, "The login cannot go on: "
                    + OAuthErrors.bounded(e.getMessage()), null).replaceWithVoid();
        }
        int interval = Integer.parseInt(login.get("interval"));
        Uni<DeviceGrant.Poll> poll = spec.deviceGrant().isPresent()
                ? spec.deviceGrant().get().poll(client, deviceCode)
                : formPoll(spec, deviceCode);
        return poll.onFailure().recoverWithItem(f -> new DeviceGrant.Poll(null, null, 0)).flatMap(answer -> {
            if (answer.token() != null) {
                return completion.complete(id, login, spec, answer.token(), client);
            }
            if (answer.error() == null) {
                // no answer, or not one of the protocol's: try again at the next interval
                return next(id, interval);
            }
            return switch (answer.error()) {
                case "authorization_pending" -> next(id, interval);
                case "slow_down" -> next(id, answer.interval() > interval ? answer.interval() : interval + 5);
                case "access_denied" -> state.end(id, login, LoginState.Status.DENIED,
                        "The user refused the login.", null).replaceWithVoid();
                case "expired_token" -> state.end(id, login, LoginState.Status.EXPIRED,
                        "The device code expired before the user finished.", null).replaceWithVoid();
                default -> state.end(id, login, LoginState.Status.ERROR, "The token endpoint answered '"
                        + OAuthErrors.bounded(answer.error()) + "'.", null).replaceWithVoid();
            };
        });
    }

    /** One RFC 8628 poll: errors are read from 400 answers and from GitHub's 200 answers alike. */
    private Uni<DeviceGrant.Poll> formPoll(LoginCapable.LoginSpec spec, String deviceCode) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", spec.clientId());
        form.put("device_code", deviceCode);
        form.put("grant_type", DEVICE_GRANT);
        return http.form(spec.tokenUrl(), Map.of(), form).map(answer -> {
            String error = answer.text("error");
            String accessToken = answer.text("access_token");
            if (error == null && accessToken != null && answer.status() == 200) {
                return new DeviceGrant.Poll(LoginCompletion.token(answer), null, 0);
            }
            return new DeviceGrant.Poll(null, error, answer.json().path("interval").asInt(0));
        });
    }

    private Uni<Void> next(String id, int interval) {
        return state.update(id, Map.of("interval", String.valueOf(interval), "nextPollAt",
                String.valueOf(System.currentTimeMillis() + interval * 1000L)));
    }
}
