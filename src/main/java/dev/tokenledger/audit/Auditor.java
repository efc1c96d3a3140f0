package dev.tokenledger.audit;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The actor of the current admin request. Start a change's audit ({@link #change}) on the request's own thread, before
 * the change starts; its entry is then written through the {@link AuditedChange}.
 */
@RequestScoped
public class Auditor {

    /** Set by the console's session mechanism on the identity it builds, so that its changes say where they came from. */
    public static final String VIA_ATTRIBUTE = "tokenledger.via";
    /** The identity attribute that carries the kind of credential the console session was opened with. */
    public static final String KIND_ATTRIBUTE = "tokenledger.actor-kind";

    private static final int MAX_TEXT = 200;

    private final SecurityIdentity identity;
    private final CurrentVertxRequest request;
    private final AuditLog log;

    @Inject
    public Auditor(SecurityIdentity identity, CurrentVertxRequest request, AuditLog log) {
        this.identity = identity;
        this.request = request;
        this.log = log;
    }

    /** The audit of a change the current request is about to make, with its actor read now. */
    public AuditedChange change() {
        return new AuditedChange(actor(), log);
    }

    public Actor actor() {
        if (identity == null || identity.isAnonymous() || identity.getPrincipal() == null) {
            return new Actor("anonymous", "other", null, clientIp(), via());
        }
        String name = bounded(identity.getPrincipal().getName());
        String subject = null;
        String kind = identity.getAttribute(KIND_ATTRIBUTE);
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            subject = bounded(jwt.getSubject());
            kind = "oidc";
        }
        if (kind == null) {
            kind = "master-key".equals(name) ? "master-key" : "other";
        }
        return new Actor(name == null ? "unknown" : name, kind, subject, clientIp(), via());
    }

    private String via() {
        Object via = identity == null ? null : identity.getAttribute(VIA_ATTRIBUTE);
        return "console".equals(via) ? "console" : "api";
    }

    private String clientIp() {
        RoutingContext rc = request.getCurrent();
        if (rc == null || rc.request().remoteAddress() == null) {
            return null;
        }
        return bounded(rc.request().remoteAddress().hostAddress());
    }

    private static String bounded(String value) {
        return value == null || value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT);
    }
}
