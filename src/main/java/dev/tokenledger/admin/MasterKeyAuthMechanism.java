package dev.tokenledger.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.config.GatewayConfig;

/**
 * The master key acts as the {@code admin} role on the admin API, so a fresh install can bootstrap without an
 * identity provider. Any other bearer token is left to OIDC.
 */
@ApplicationScoped
public class MasterKeyAuthMechanism implements HttpAuthenticationMechanism {

    static final String ADMIN = "admin";

    private final byte[] masterKey;

    @Inject
    public MasterKeyAuthMechanism(GatewayConfig config) {
        this.masterKey = config.masterKey().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String authorization = context.request().getHeader("Authorization");
        if (masterKey != null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && MessageDigest.isEqual(masterKey, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("master-key"))
                    .addRole(ADMIN)
                    .build());
        }
        return Uni.createFrom().optional(java.util.Optional.empty());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
