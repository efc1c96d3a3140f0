package dev.tokenledger.provider.copilot;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpTokenKind;
import dev.tokenledger.provider.TokenRefreshException;

/**
 * GitHub Copilot's token exchange: {@code GET {github-api-url}/copilot_internal/v2/token} with the GitHub token of the
 * login ({@code Authorization: token …}) answers a Copilot token, its expiry ({@code expires_at}, unix seconds), when to
 * refresh it ({@code refresh_in}, seconds) and the API base URL ({@code endpoints.api}). 401, 403 and 404 mean the
 * GitHub token was revoked or the account has no Copilot subscription: permanent.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class CopilotTokenExchange extends HttpTokenKind {

    public static final String ID = "copilot-exchange";
    /** The grant value holding the GitHub token a login returned. */
    public static final String LOGIN_TOKEN = "loginToken";
    private static final int MAX_MESSAGE = 200;

    @Inject
    public CopilotTokenExchange(Vertx vertx) {
        super(ID, vertx, Duration.ofSeconds(15));
    }

    @Override
    public boolean exchangesLoginToken() {
        return true;
    }

    @Override
    public Uni<FreshToken> refresh(Grant grant) {
        String github = grant.value(LOGIN_TOKEN);
        if (github == null) {
            return Uni.createFrom().failure(new TokenRefreshException("The credential holds no GitHub token", true));
        }
        Map<String, String> headers = new LinkedHashMap<>(grant.settings().headers());
        headers.put("Authorization", "token " + github);
        option(grant, CopilotProviderFactory.EDITOR_VERSION, "Editor-Version", headers);
        option(grant, CopilotProviderFactory.EDITOR_PLUGIN_VERSION, "Editor-Plugin-Version", headers);
        option(grant, CopilotProviderFactory.USER_AGENT, "User-Agent", headers);
        String url = CopilotProviderFactory.trimmed(grant.settings().option(CopilotProviderFactory.GITHUB_API_URL)
                .orElse("https://api.github.com")) + "/copilot_internal/v2/token";
        return http.get(url, headers).map(answer -> {
            String token = answer.text("token");
            if (answer.status() != 200 || token == null) {
                String message = answer.json().path("error_details").path("message").asText(
                        answer.json().path("message").asText(""));
                TokenRefreshException failure = TokenRefreshException.ofStatus(answer.status(), "The Copilot token exchange");
                if (!message.isBlank() && failure.permanent()) {
                    throw new TokenRefreshException(failure.getMessage() + ": " + bounded(message), true);
                }
                if (answer.status() == 200) {
                    throw new TokenRefreshException("The Copilot token exchange answered no token", false);
                }
                throw failure;
            }
            long expiresAt = answer.json().path("expires_at").asLong(0);
            long refreshIn = answer.json().path("refresh_in").asLong(0);
            Instant now = Instant.now();
            String api = answer.json().path("endpoints").path("api").asText(null);
            return new FreshToken(token, expiresAt > 0 ? Instant.ofEpochSecond(expiresAt) : null,
                    refreshIn > 0 ? now.plusSeconds(refreshIn) : null, api, Map.of());
        });
    }

    private static void option(Grant grant, String option, String header, Map<String, String> headers) {
        grant.settings().option(option).filter(v -> !v.isBlank()).ifPresent(v -> headers.putIfAbsent(header, v));
    }

    private static String bounded(String message) {
        String clean = message.replaceAll("[\\p{Cntrl}]", " ");
        return clean.length() > MAX_MESSAGE ? clean.substring(0, MAX_MESSAGE) + "…" : clean;
    }
}
