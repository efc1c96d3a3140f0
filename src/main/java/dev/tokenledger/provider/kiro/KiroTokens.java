package dev.tokenledger.provider.kiro;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.tokenledger.json.Json;
import dev.tokenledger.provider.AuthHttp;
import dev.tokenledger.provider.HttpTokenKind;
import dev.tokenledger.provider.TokenRefreshException;

/**
 * Kiro's tokens: the refresh-token grant of AWS SSO OIDC's CreateToken with the client the login registered, and the
 * profile ARN found once a login has its token. A client whose secret has expired (or that the server calls
 * {@code invalid_client}) is registered again and kept in the grant; a returned refresh token replaces the stored one.
 * {@code invalid_grant}, {@code expired_token} and {@code access_denied} mean the login is over (permanent); 429, 5xx
 * and transport failures are retried by the refresher.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class KiroTokens extends HttpTokenKind {

    public static final String ID = "aws-sso-oidc";
    static final String REFRESH_TOKEN = "refreshToken";
    private static final Set<String> DEAD = Set.of("invalid_grant", "expired_token", "access_denied",
            "unauthorized_client");

    /** The SSO OIDC client of the refreshes; the base's client looks up profiles. */
    private final SsoOidc oidc;

    @Inject
    public KiroTokens(Vertx vertx) {
        super(ID, vertx, Duration.ofSeconds(15));
        this.oidc = new SsoOidc(new AuthHttp(vertx, Duration.ofSeconds(15)));
    }

    @Override
    protected void close() {
        oidc.close();
        super.close();
    }

    @Override
    public Uni<FreshToken> refresh(Grant grant) {
        String refreshToken = grant.value(REFRESH_TOKEN);
        if (refreshToken == null || grant.value(SsoOidc.CLIENT_ID) == null || grant.value(SsoOidc.OIDC_URL) == null) {
            return Uni.createFrom().failure(new TokenRefreshException("The credential holds no SSO OIDC refresh token "
                    + "and client", true));
        }
        Map<String, String> client = new LinkedHashMap<>(grant.values());
        if (SsoOidc.expired(client, Instant.now())) {
            return reregister(client).flatMap(fresh -> refresh(fresh, refreshToken, true));
        }
        return refresh(client, refreshToken, false);
    }

    private Uni<FreshToken> refresh(Map<String, String> client, String refreshToken, boolean reregistered) {
        return oidc.refreshToken(client.get(SsoOidc.OIDC_URL), client.get(SsoOidc.CLIENT_ID),
                client.get(SsoOidc.CLIENT_SECRET), refreshToken).flatMap(answer -> {
                    String access = answer.text("accessToken");
                    String error = SsoOidc.error(answer);
                    if (answer.status() == 200 && access != null) {
                        long expiresIn = answer.json().path("expiresIn").asLong(0);
                        Map<String, String> values = new LinkedHashMap<>();
                        if (reregistered) {
                            values.put(SsoOidc.CLIENT_ID, client.get(SsoOidc.CLIENT_ID));
                            values.put(SsoOidc.CLIENT_SECRET, client.get(SsoOidc.CLIENT_SECRET));
                            values.put(SsoOidc.CLIENT_EXPIRES, client.get(SsoOidc.CLIENT_EXPIRES));
                        }
                        String rotated = answer.text("refreshToken");
                        if (rotated != null) {
                            values.put(REFRESH_TOKEN, rotated);
                        }
                        return Uni.createFrom().item(new FreshToken(access, expiresIn > 0
                                ? Instant.now().plusSeconds(expiresIn)
                                : null, null, null, values));
                    }
                    if ("invalid_client".equals(error) && !reregistered) {
                        return reregister(client).flatMap(fresh -> refresh(fresh, refreshToken, true));
                    }
                    if (error != null && DEAD.contains(error) || "invalid_client".equals(error)) {
                        return Uni.createFrom().failure(new TokenRefreshException("AWS SSO OIDC refused the refresh "
                                + "token: " + error, true));
                    }
                    if (answer.status() == 429 || answer.status() >= 500 || answer.status() == 200) {
                        return Uni.createFrom().failure(new TokenRefreshException("AWS SSO OIDC answered HTTP "
                                + answer.status(), false));
                    }
                    return Uni.createFrom().failure(TokenRefreshException.ofStatus(answer.status(), "AWS SSO OIDC"));
                });
    }

    /** Registers the credential's client again, where and as it was registered. */
    private Uni<Map<String, String>> reregister(Map<String, String> client) {
        String url = client.get(SsoOidc.OIDC_URL);
        String name = client.getOrDefault(SsoOidc.CLIENT_NAME, KiroProviderFactory.DEFAULT_CLIENT_NAME);
        String scopes = client.getOrDefault(SsoOidc.SCOPES, KiroProviderFactory.DEFAULT_SCOPES);
        return oidc.register(url, name, scopes).map(answer -> {
            Map<String, String> registered = SsoOidc.client(answer, url, name, scopes);
            if (registered == null) {
                throw answer.status() == 429 || answer.status() >= 500
                        ? new TokenRefreshException("AWS SSO OIDC answered HTTP " + answer.status(), false)
                        : TokenRefreshException.ofStatus(answer.status(), "AWS SSO OIDC's RegisterClient");
            }
            Map<String, String> next = new LinkedHashMap<>(client);
            next.putAll(registered);
            return next;
        });
    }

    /**
     * The profile ARN of a new login's account: {@code POST <base>/ListAvailableProfiles} with its token, the first
     * profile's {@code arn}. AWS Builder ID accounts may have none; then the credential sends none, and a lookup that
     * fails leaves the login without one rather than failing it.
     */
    @Override
    public Uni<Map<String, String>> discover(Grant grant) {
        if (grant.settings().option(KiroProviderFactory.PROFILE_ARN).filter(v -> !v.isBlank()).isPresent()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<String, String> headers = new LinkedHashMap<>(grant.settings().headers());
        headers.put("Authorization", "Bearer " + grant.accessToken());
        String base = KiroProviderFactory.apiBase(grant.settings(), null);
        return http.json(base + "/ListAvailableProfiles", headers, Json.NODES.objectNode().put("maxResults", 10))
                .map(answer -> {
                    for (JsonNode profile : answer.json().path("profiles")) {
                        String arn = profile.path("arn").asText(null);
                        if (arn != null && KiroProviderFactory.PROFILE_ARN_SHAPE.matcher(arn).matches()) {
                            return Map.of(KiroProviderFactory.PROFILE_ARN, arn);
                        }
                    }
                    return Map.<String, String>of();
                }).onFailure().recoverWithItem(Map.of());
    }
}
