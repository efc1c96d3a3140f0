package dev.tokenledger.credentials;

import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.GatewayError;

/**
 * Logins that obtain upstream credentials: started by an admin, finished by a user at the provider (a device code, or
 * a browser redirect back to {@code /admin/v1/credentials/logins/callback}), read until they end. The credential a
 * login obtains joins its provider's pool.
 */
@Path("/admin/v1/credentials/logins")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Credentials")
public class LoginsResource {

    private static final int MAX_OPTIONS = 8;

    private final Logins logins;

    @Inject
    public LoginsResource(Logins logins) {
        this.logins = logins;
    }

    /**
     * A login to start: the provider (a configured id, or a type with one configured provider), a label, a flow, and
     * the provider options this login sets for itself (Kiro: {@code start-url} and {@code region} of an IAM Identity
     * Center).
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record StartLogin(String provider, String label, String flow, Map<String, String> options) {
    }

    @POST
    @RolesAllowed("admin")
    @Operation(operationId = "startLogin", summary = "Start a login (device or browser flow) whose credential joins the provider's pool")
    public Uni<RestResponse<LoginState.LoginView>> start(StartLogin body, @Context UriInfo uri) {
        if (body == null || body.provider() == null || body.provider().isBlank()) {
            throw GatewayError.invalid("provider", "Missing required field: 'provider'.");
        }
        String label = body.label() == null || body.label().isBlank() ? "login" : body.label().trim();
        if (label.length() > CredentialInput.MAX_LABEL) {
            throw GatewayError.invalid("label", "'label' is at most " + CredentialInput.MAX_LABEL + " characters.");
        }
        Map<String, String> options = body.options() == null ? Map.of() : body.options();
        if (options.size() > MAX_OPTIONS || options.entrySet().stream().anyMatch(e -> e.getValue() == null
                || e.getKey().length() > 64 || e.getValue().length() > 512)) {
            throw GatewayError.invalid("options", "'options' holds at most " + MAX_OPTIONS + " names of at most 64 "
                    + "characters, each with a value of at most 512 characters.");
        }
        String base = uri.getBaseUri().toString();
        return logins.start(logins.providerOf(body.provider().trim()), label, body.flow(), base, options)
                .map(view -> RestResponse.status(RestResponse.Status.CREATED, view));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("admin")
    @Operation(operationId = "getLogin", summary = "A login's state: pending, ok (with the new credential's id), denied, expired or error")
    public Uni<LoginState.LoginView> status(@PathParam("id") String id) {
        return logins.status(id);
    }

    @GET
    @Path("/callback")
    @PermitAll // the user's browser comes back without admin credentials: the single-use state is the proof
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(hidden = true, summary = "Where the browser login returns (authorization code + PKCE)")
    public Uni<String> callback(@QueryParam("code") String code, @QueryParam("state") String state,
            @QueryParam("error") String error) {
        return logins.callback(code, state, error).map(view -> switch (view.status()) {
            case "ok" -> "Login complete: the credential is stored. You can close this window.";
            case "denied" -> "The login was refused.";
            default -> "The login failed: " + view.error();
        });
    }
}
