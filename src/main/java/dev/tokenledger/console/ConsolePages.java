package dev.tokenledger.console;

import java.net.URI;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.admin.AdminScope;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;

/**
 * What every console page does first: the signed-in identity (or a redirect to the sign-in page), the CSRF check of a
 * change, and the data every page's layout shows (who, role, CSRF token, current page).
 */
@ApplicationScoped
public class ConsolePages {

    private final CurrentIdentityAssociation identities;

    @Inject
    public ConsolePages(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    /** The signed-in caller of a page. */
    public record Viewer(SecurityIdentity identity, ConsoleSession.Session session) {
        public String name() {
            return identity.getPrincipal().getName();
        }

        public String role() {
            return identity.hasRole(AdminScope.ADMIN)
                    ? AdminScope.ADMIN
                    : identity.hasRole(AdminScope.FINANCE) ? AdminScope.FINANCE : AdminScope.VIEWER;
        }

        public boolean admin() {
            return identity.hasRole(AdminScope.ADMIN);
        }

        public boolean finance() {
            return admin() || identity.hasRole(AdminScope.FINANCE);
        }

        public String csrf() {
            return session.csrf();
        }
    }

    /** Runs {@code then} for a signed-in caller; sends anyone else to the sign-in page. */
    public Uni<Response> signedIn(Function<Viewer, Uni<Response>> then) {
        return identities.getDeferredIdentity().chain(identity -> {
            // resolved: the admin API's beans read it synchronously on this (event loop) thread
            identities.setIdentity(identity);
            ConsoleSession.Session session = identity.getAttribute(ConsoleAuthMechanism.SESSION_ATTRIBUTE);
            if (identity.isAnonymous() || session == null) {
                return Uni.createFrom().item(Response.seeOther(URI.create("/console/login")).build());
            }
            return then.apply(new Viewer(identity, session));
        });
    }

    /** Renders a page for a signed-in caller; an admin API refusal is shown on the page as a message. */
    public Uni<Response> page(String page, Function<Viewer, Uni<TemplateInstance>> render) {
        return signedIn(viewer -> render.apply(viewer).map(t -> Response.ok(t.data("viewer", viewer).data("page", page))
                .type(MediaType.TEXT_HTML_TYPE).header("Cache-Control", "no-store").header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                        + "script-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
                .build())
                .onFailure().recoverWithItem(e -> Response.status(e instanceof GatewayError g ? g.httpStatus() : 500)
                        .type(MediaType.TEXT_HTML_TYPE).entity("<!doctype html><title>TokenLedger console</title><main>"
                                + "<h1>Not shown</h1><p>" + escape(message(e))
                                + "</p><p><a href=\"/console/spend\">Back</a></p></main>")
                        .build()));
    }

    /** A change: refused (403) unless the request carries the session's CSRF token in {@code X-CSRF-Token}. */
    public Uni<Response> change(String csrfHeader, String page, Function<Viewer, Uni<TemplateInstance>> render) {
        return identities.getDeferredIdentity().chain(identity -> {
            // resolved: the admin API's beans read it synchronously on this (event loop) thread
            identities.setIdentity(identity);
            ConsoleSession.Session session = identity.getAttribute(ConsoleAuthMechanism.SESSION_ATTRIBUTE);
            if (identity.isAnonymous() || session == null) {
                return Uni.createFrom().item(Response.status(401).build());
            }
            if (csrfHeader == null || !java.security.MessageDigest.isEqual(csrfHeader.getBytes(),
                    session.csrf().getBytes())) {
                return Uni.createFrom().item(Response.status(403).entity("Missing or wrong CSRF token.").build());
            }
            return page(page, render);
        });
    }

    /** The text of a failure as the console shows it (an admin API error's message). */
    public static String message(Throwable failure) {
        if (failure instanceof GatewayError g) {
            return g.getMessage();
        }
        if (failure instanceof io.quarkus.security.ForbiddenException) {
            return "Your role may not do this.";
        }
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static GatewayError invalid(String message) {
        return GatewayError.of(ErrorKind.INVALID_REQUEST, message);
    }
}
