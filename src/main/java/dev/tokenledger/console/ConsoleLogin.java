package dev.tokenledger.console;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Sign-in and sign-out. The master key opens an admin session (the bootstrap admin); an OIDC access token opens a
 * session with that token's roles and teams, checked again on every request. Neither is ever stored server-side or
 * echoed back; the session lives in a signed, HttpOnly, SameSite=Strict cookie.
 */
@Path("/console")
public class ConsoleLogin {

    private final ConsoleSession sessions;
    private final TenantIdentityProvider oidc;
    private final Template login;

    /** {@code oidc} verifies access tokens with the default OIDC tenant, the one the admin API accepts tokens of. */
    @Inject
    public ConsoleLogin(ConsoleSession sessions, TenantIdentityProvider oidc,
            @Location("console/login.html") Template login) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.login = login;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response root() {
        return Response.seeOther(URI.create("/console/spend")).build();
    }

    @GET
    @Path("/login")
    @Produces(MediaType.TEXT_HTML)
    public String form() {
        return login.data("error", null).render();
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> signIn(@FormParam("credential") String credential, HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        if (origin != null && host != null && !origin.endsWith("//" + host)) {
            return Uni.createFrom().item(
                    Response.status(403).entity(login.data("error", "Sign in from the console's own page.").render()).build());
        }
        boolean secure = request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
        if (credential == null || credential.isBlank() || credential.length() > 8192) {
            return Uni.createFrom().item(refused());
        }
        if (sessions.isMasterKey(credential)) {
            return Uni.createFrom().item(signedIn(sessions.open("master", null), secure));
        }
        String token = credential.trim();
        return oidc.authenticate(new AccessTokenCredential(token))
                .map(identity -> identity == null || identity.isAnonymous()
                        ? refused()
                        : signedIn(sessions.open("oidc", token), secure))
                .onFailure().recoverWithItem(this::refused);
    }

    @POST
    @Path("/logout")
    @Produces(MediaType.TEXT_HTML)
    public Response signOut(HttpServerRequest request) {
        return Response.seeOther(URI.create("/console/login"))
                .header("Set-Cookie", ConsoleSession.cookie(null, request.isSSL())).build();
    }

    private Response signedIn(ConsoleSession.Session session, boolean secure) {
        return Response.seeOther(URI.create("/console/spend"))
                .header("Set-Cookie", ConsoleSession.cookie(sessions.encode(session), secure)).build();
    }

    private Response refused() {
        return Response.status(401).type(MediaType.TEXT_HTML)
                .entity(login.data("error", "That is neither the master key nor a valid OIDC access token.").render())
                .build();
    }
}
