package dev.tokenledger.credentials;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.AuthHttp;
import dev.tokenledger.provider.HttpTokenKind;
import dev.tokenledger.provider.TokenRefreshException;

/**
 * The OAuth 2.0 refresh-token grant (RFC 6749 §6): {@code grant_type=refresh_token} posted to the credential's token
 * URL with its client id (and secret). A rotated refresh token in the answer replaces the stored one. Errors that
 * mean the grant is dead ({@code invalid_grant}, {@code refresh_token_reused}, {@code expired_token},
 * {@code invalid_client}, {@code unauthorized_client}) are permanent, whether the server answers 400 or GitHub's 200.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class OAuthRefreshTokens extends HttpTokenKind {

    public static final String ID = "oauth-refresh";
    public static final String REFRESH_TOKEN = "refreshToken";
    public static final String TOKEN_URL = "tokenUrl";
    public static final String CLIENT_ID = "clientId";
    public static final String CLIENT_SECRET = "clientSecret";
    private static final Set<String> DEAD = Set.of("invalid_grant", "refresh_token_reused", "expired_token",
            "invalid_client", "unauthorized_client", "bad_refresh_token", "incorrect_client_credentials");

    @Inject
    public OAuthRefreshTokens(Vertx vertx, GatewayConfig config) {
        super(ID, vertx, config.credentials().refresh().timeout());
    }

    @Override
    public Uni<FreshToken> refresh(Grant grant) {
        String refreshToken = grant.value(REFRESH_TOKEN);
        String tokenUrl = grant.value(TOKEN_URL);
        if (refreshToken == null || tokenUrl == null) {
            return Uni.createFrom().failure(new TokenRefreshException("The credential holds no refresh token", true));
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", grant.value(CLIENT_ID));
        form.put("client_secret", grant.value(CLIENT_SECRET));
        return post(http, tokenUrl, form, "The token endpoint refused the refresh token").map(issued -> {
            String rotated = issued.refreshToken();
            return new FreshToken(issued.accessToken(), issued.expiresAt(), null, null,
                    rotated == null ? Map.of() : Map.of(REFRESH_TOKEN, rotated));
        });
    }

    /**
     * Posts a grant's form to a token endpoint (RFC 6749 §4, §6) and reads the token it issued ({@link #issued}).
     *
     * @param refused the start of the message of a dead grant
     */
    static Uni<Issued> post(AuthHttp http, String tokenUrl, Map<String, String> form, String refused) {
        return http.form(tokenUrl, Map.of(), form).map(answer -> issued(answer, refused));
    }

    /**
     * An access token a token endpoint issued, when it expires (null when it said nothing) and the refresh token that
     * replaces the grant's (null when it named none).
     */
    record Issued(String accessToken, Instant expiresAt, String refreshToken) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * The token of a token endpoint's answer (RFC 6749 §5.1), or the failure it stands for (§5.2): an error that means
     * the grant is dead is permanent, whether answered with 400 or GitHub's 200; 429, 5xx and a 200 without a token
     * are transient; other statuses follow {@link TokenRefreshException#ofStatus}.
     *
     * @param refused the start of the message of a dead grant
     */
    static Issued issued(AuthHttp.Answer answer, String refused) {
        String error = answer.text("error");
        String access = answer.text("access_token");
        if (error != null || access == null || answer.status() != 200) {
            if (error != null && DEAD.contains(error)) {
                throw new TokenRefreshException(refused + ": " + error, true);
            }
            if (answer.status() == 200 || answer.status() == 429 || answer.status() >= 500) {
                throw new TokenRefreshException("The token endpoint answered HTTP " + answer.status()
                        + (error != null ? " (" + OAuthErrors.bounded(error) + ")" : ""), false);
            }
            throw TokenRefreshException.ofStatus(answer.status(), "The token endpoint");
        }
        long expiresIn = answer.json().path("expires_in").asLong(0);
        return new Issued(access, expiresIn > 0 ? Instant.now().plusSeconds(expiresIn) : null,
                answer.text("refresh_token"));
    }
}
