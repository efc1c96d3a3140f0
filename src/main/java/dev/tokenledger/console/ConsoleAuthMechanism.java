package dev.tokenledger.console;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.admin.AdminScope;
import dev.tokenledger.audit.Auditor;

/**
 * Authenticates the console's pages (paths under {@code /console}) by the session cookie: a master-key session is the
 * {@code admin} role, an OIDC session is the identity its access token gives (roles and teams as on the admin API).
 * Identities it builds say {@code via=console}, which the audit log records.
 */
@ApplicationScoped
public class ConsoleAuthMechanism implements HttpAuthenticationMechanism {

    /** The identity attribute holding the session (for the CSRF check). */
    static final String SESSION_ATTRIBUTE = "tokenledger.console-session";

    private final ConsoleSession sessions;
    private final TenantIdentityProvider oidc;

    /**
     * {@code oidc} verifies a session's access token with the default OIDC tenant (the admin API's); it resolves the
     * tenant itself, which the identity provider manager cannot do outside the OIDC mechanism.
     */
    @Inject
    public ConsoleAuthMechanism(ConsoleSession sessions, TenantIdentityProvider oidc) {
        this.sessions = sessions;
        this.oidc = oidc;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!context.normalizedPath().startsWith("/console")) {
            return Uni.createFrom().optional(Optional.empty());
        }
        Cookie cookie = context.request().getCookie(ConsoleSession.COOKIE);
        Optional<ConsoleSession.Session> session = sessions.decode(cookie == null ? null : cookie.getValue());
        if (session.isEmpty()) {
            return Uni.createFrom().optional(Optional.empty());
        }
        ConsoleSession.Session s = session.get();
        if ("master".equals(s.kind())) {
            return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal("master-key"))
                    .addRole(AdminScope.ADMIN).addAttribute(Auditor.VIA_ATTRIBUTE, "console")
                    .addAttribute(Auditor.KIND_ATTRIBUTE, "master-key").addAttribute(SESSION_ATTRIBUTE, s).build());
        }
        return oidc.authenticate(new AccessTokenCredential(s.token()))
                .map(identity -> (SecurityIdentity) QuarkusSecurityIdentity.builder(identity)
                        .addAttribute(Auditor.VIA_ATTRIBUTE, "console").addAttribute(SESSION_ATTRIBUTE, s).build())
                .onFailure().recoverWithNull();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (!context.normalizedPath().startsWith("/console")) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(new ChallengeData(303, "Location", "/console/login"));
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 200;
    }
}
