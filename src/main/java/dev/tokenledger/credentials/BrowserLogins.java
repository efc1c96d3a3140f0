package dev.tokenledger.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.node.MissingNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.AuthHttp;
import dev.tokenledger.provider.LoginCapable;

/**
 * Browser logins: the authorization code grant with PKCE (S256). Starting one answers the authorize URL with a random
 * {@code state} and the challenge of a random verifier (sealed in the login's hash); the provider sends the browser
 * back to {@code /admin/v1/credentials/logins/callback}, where the {@code state} names its login once and the code is
 * exchanged with the verifier.
 */
@Singleton
public class BrowserLogins extends LoginFlow {

    static final String CALLBACK_PATH = "/admin/v1/credentials/logins/callback";

    @Inject
    public BrowserLogins(LoginState state, LoginProviders providers, LoginCompletion completion, Vertx vertx,
            GatewayConfig config) {
        super(state, providers, completion, vertx, config);
    }

    /** Starts a browser login; {@code baseUrl} is where the admin called, for the redirect URI (unless configured). */
    Uni<LoginState.LoginView> start(String provider, String label, LoginCapable.LoginSpec spec, String baseUrl) {
        String id = UUID.randomUUID().toString();
        String secretState = random();
        String verifier = random();
        String redirect = trimmed(settings.publicUrl().orElse(baseUrl)) + CALLBACK_PATH;
        long lifetime = Math.min(settings.maxDuration().toSeconds(), 600);
        String authorize = spec.authorizeUrl().get() + (spec.authorizeUrl().get().contains("?") ? "&" : "?")
                + "response_type=code&client_id=" + encode(spec.clientId()) + "&redirect_uri=" + encode(redirect)
                + "&scope=" + encode(spec.scope()) + "&state=" + secretState + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256";
        Map<String, String> login = new LinkedHashMap<>();
        login.put("provider", provider);
        login.put("label", label);
        login.put("flow", "browser");
        login.put("status", LoginState.Status.PENDING.id());
        login.put("expiresAt", String.valueOf(System.currentTimeMillis() + lifetime * 1000));
        login.put("verifier", state.seal(id, provider, verifier));
        login.put("redirectUri", redirect);
        login.put("authorizeUrl", authorize);
        return state.save(id, login, Duration.ofSeconds(lifetime))
                .call(() -> state.redis().value(String.class).psetex(LoginState.STATE + secretState, lifetime * 1000,
                        id))
                .map(ignored -> LoginState.view(id, login));
    }

    /**
     * The browser's return from the authorization server: the {@code state} names a pending login once (a second
     * use finds nothing), the code is exchanged with the login's PKCE verifier.
     *
     * @return the login after the exchange
     */
    public Uni<LoginState.LoginView> callback(String code, String secretState, String error) {
        if (secretState == null || secretState.isBlank() || secretState.length() > 200) {
            return Uni.createFrom().failure(GatewayError.invalid("state", "Missing or invalid 'state'."));
        }
        return state.redis().value(String.class).getdel(LoginState.STATE + secretState).flatMap(id -> {
            if (id == null) {
                return Uni.createFrom().failure(GatewayError.invalid("state",
                        "Unknown, expired or already used 'state'."));
            }
            return state.load(id).flatMap(login -> returned(id, login, code, error));
        });
    }

    private Uni<LoginState.LoginView> returned(String id, Map<String, String> login, String code, String error) {
        if (login.isEmpty() || !LoginState.Status.PENDING.id().equals(login.get("status"))) {
            return Uni.createFrom().failure(GatewayError.of(ErrorKind.CONFLICT, "The login is no longer pending."));
        }
        if (error != null) {
            LoginState.Status status = "access_denied".equals(error)
                    ? LoginState.Status.DENIED
                    : LoginState.Status.ERROR;
            return state.end(id, login, status, "The authorization server answered '" + OAuthErrors.bounded(error)
                    + "'.", null).map(ended -> LoginState.view(id, ended));
        }
        if (code == null || code.isBlank() || code.length() > 2000) {
            return Uni.createFrom().failure(GatewayError.invalid("code", "Missing or invalid 'code'."));
        }
        String provider = login.get("provider");
        LoginCapable.LoginSpec spec = providers.spec(provider);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", login.get("redirectUri"));
        form.put("client_id", spec.clientId());
        spec.clientSecret().ifPresent(s -> form.put("client_secret", s));
        form.put("code_verifier", state.open(id, provider, login.get("verifier")));
        return http.form(spec.tokenUrl(), Map.of(), form)
                .onFailure().recoverWithItem(f -> new AuthHttp.Answer(0, MissingNode.getInstance()))
                .flatMap(answer -> answer.status() == 200 && answer.text("error") == null
                        && answer.text("access_token") != null
                                ? completion.complete(id, login, spec, LoginCompletion.token(answer), Map.of())
                                : state.end(id, login, LoginState.Status.ERROR, "The code exchange failed (HTTP "
                                        + answer.status() + (answer.text("error") != null
                                                ? ", " + OAuthErrors.bounded(answer.text("error"))
                                                : "")
                                        + ").", null).replaceWithVoid())
                .flatMap(ignored -> state.load(id)).map(ended -> LoginState.view(id, ended));
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
}
