package dev.tokenledger.credentials;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.provider.AuthHttp;
import dev.tokenledger.provider.DeviceGrant;
import dev.tokenledger.provider.LoginCapable;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.TokenKind;
import dev.tokenledger.provider.TokenRefreshException;

/**
 * The end of a successful login, device or browser: the token the provider answered is stored, sealed, as a new
 * member of the provider's pool (exchanged first when the type's token kind takes the login's token only as its grant,
 * as Copilot does), every replica is told, and the login ends {@code ok} naming the credential.
 */
@ApplicationScoped
public class LoginCompletion {

    private final ProviderRegistry registry;
    private final CredentialStore store;
    private final CredentialPools pools;
    private final TokenRefresher refresher;
    private final Fingerprints fingerprints;
    private final Changes changes;
    private final LoginState state;

    @Inject
    public LoginCompletion(ProviderRegistry registry, CredentialStore store, CredentialPools pools,
            TokenRefresher refresher, Fingerprints fingerprints, Changes changes, LoginState state) {
        this.registry = registry;
        this.store = store;
        this.pools = pools;
        this.refresher = refresher;
        this.fingerprints = fingerprints;
        this.changes = changes;
        this.state = state;
    }

    /** The token of a token endpoint's RFC 6749 answer. */
    static DeviceGrant.Token token(AuthHttp.Answer answer) {
        return new DeviceGrant.Token(answer.text("access_token"), answer.text("refresh_token"),
                answer.json().path("expires_in").asLong(0));
    }

    /**
     * Stores the login's token as a new pool member and ends the login {@code ok} (or {@code error}).
     *
     * @param client what the type's device grant needs besides (its registered client), kept in the credential's grant
     */
    Uni<Void> complete(String id, Map<String, String> login, LoginCapable.LoginSpec spec, DeviceGrant.Token token,
            Map<String, String> client) {
        String provider = login.get("provider");
        String accessToken = token.accessToken();
        String refreshToken = token.refreshToken();
        long expiresIn = token.expiresIn();
        Map<String, String> grant = new LinkedHashMap<>();
        grant.put("loginToken", accessToken);
        if (refreshToken != null) {
            grant.put(OAuthRefreshTokens.REFRESH_TOKEN, refreshToken);
            grant.put(OAuthRefreshTokens.TOKEN_URL, spec.tokenUrl());
            grant.put(OAuthRefreshTokens.CLIENT_ID, spec.clientId());
            spec.clientSecret().ifPresent(s -> grant.put(OAuthRefreshTokens.CLIENT_SECRET, s));
        }
        grant.putAll(client);
        Optional<TokenKind> kind = spec.tokenKind().flatMap(refresher::kind)
                .or(() -> refreshToken != null ? refresher.kind(OAuthRefreshTokens.ID) : Optional.empty());
        Map<String, String> identity = Fingerprints.newIdentity();
        Instant now = Instant.now();
        TokenKind.FreshToken issued = new TokenKind.FreshToken(accessToken,
                expiresIn > 0 ? now.plusSeconds(expiresIn) : null, null, null, Map.of());
        Map<String, String> options = LoginState.map(login.get("options"));
        Uni<TokenKind.FreshToken> obtained = kind.filter(TokenKind::exchangesLoginToken)
                .map(k -> k.refresh(new TokenKind.Grant(registry.resolved(provider,
                        fingerprints.headers(provider, identity), options).orElseThrow(), null, grant)))
                .orElse(Uni.createFrom().item(issued));
        UUID credentialId = UUID.randomUUID();
        return obtained.flatMap(f -> kind.map(k -> k.discover(new TokenKind.Grant(registry.resolved(provider,
                fingerprints.headers(provider, identity), options).orElseThrow(), f.accessToken(), grant)))
                .orElse(Uni.createFrom().item(Map.of()))
                .map(found -> {
                    Map<String, String> own = new LinkedHashMap<>(options);
                    own.putAll(found);
                    return new Discovered(f, own);
                })).flatMap(d -> {
                    TokenKind.FreshToken fresh = d.token();
                    Secret stored = new Secret(accessToken, Map.of(), kind.map(TokenKind::id).orElse(null), grant, null,
                            identity, d.options()).refreshed(fresh.accessToken(), fresh.endpoint(), fresh.values());
                    Instant refreshAt = kind.isPresent() ? refresher.refreshAt(fresh, Instant.now()) : null;
                    return store.insert(credentialId, provider, login.get("label"), CredentialKind.OAUTH,
                            pools.keys().seal(credentialId, provider, stored.encode()), time(fresh.expiresAt()),
                            time(refreshAt));
                }).call(row -> pools.credentialsChanged().call(() -> changes.announce(Change.of(Change.Kind.CREDENTIALS))
                        .onFailure().recoverWithNull()))
                .flatMap(row -> {
                    Log.infof("Login %s stored credential %s for provider '%s'", id, row.id(), provider);
                    return state.end(id, login, LoginState.Status.OK, null, row.id().toString()).replaceWithVoid();
                })
                .onFailure().recoverWithUni(f -> state.end(id, login, LoginState.Status.ERROR,
                        f instanceof TokenRefreshException
                                ? OAuthErrors.bounded(f.getMessage())
                                : "The credential could not be stored.",
                        null).replaceWithVoid());
    }

    /** The login's token and the options its credential sets for itself. */
    private record Discovered(TokenKind.FreshToken token, Map<String, String> options) {
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
