package dev.tokenledger.admin;

import java.util.UUID;

import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import dev.tokenledger.admission.limits.ScopeType;

/** The scope whose limits a request of {@link LimitsResource} names in its path ({@code /{scope}/{id}}). */
public class LimitScope {

    @PathParam("scope")
    @Parameter(description = "key, team or org", schema = @Schema(enumeration = {"key", "team", "org"}))
    String type;

    @PathParam("id")
    UUID id;

    /** A scope as the console names it, without a request path. */
    public static LimitScope of(ScopeType type, UUID id) {
        LimitScope scope = new LimitScope();
        scope.type = type.id();
        scope.id = id;
        return scope;
    }

    /** The kind of scope; an unknown one is refused. */
    ScopeType type() {
        return ScopeType.parse(type);
    }

    UUID id() {
        return id;
    }
}
