package dev.tokenledger.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.admission.LimitSpec;
import dev.tokenledger.admission.LimitStore;
import dev.tokenledger.admission.LimitUsage;
import dev.tokenledger.admission.ScopeType;
import dev.tokenledger.admission.StoredLimits;

/** Limits of a key, a team or an organization: rates, concurrency, token quotas and a money budget. */
@Path("/admin/v1/limits")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Limits")
public class LimitsResource {

    @Inject
    LimitStore store;

    @Inject
    LimitUsage usage;

    @Inject
    AdminScope scope;

    @PUT
    @Path("/{scope}/{id}")
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(summary = "Set the limits of a key, team or organization (replaces them; absent fields are unlimited)")
    public Uni<Map<String, Object>> put(@PathParam("scope") String type, @PathParam("id") UUID id, LimitSpec body) {
        ScopeType scopeType = ScopeType.parse(type);
        LimitSpec spec = (body == null ? new LimitSpec(null, null, null, null, null, null, null) : body).validated("");
        return store.put(scopeType, id, spec, scope.actor()).chain(this::view);
    }

    @GET
    @Path("/{scope}/{id}")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(summary = "The limits of a key, team or organization, with current consumption and what remains")
    public Uni<Map<String, Object>> get(@PathParam("scope") String type, @PathParam("id") UUID id) {
        ScopeType scopeType = ScopeType.parse(type);
        return store.owner(scopeType, id).chain(owner -> {
            if (!visible(scopeType, id, owner)) {
                return Uni.createFrom().failure(AdminErrors.notFound("Limits of " + scopeType.id() + " " + id));
            }
            StoredLimits stored = store.get(scopeType, id);
            if (stored == null) {
                Map<String, Object> none = new LinkedHashMap<>();
                none.put("scope", scopeType.id());
                none.put("id", id);
                none.put("orgId", owner.orgId());
                none.put("limits", new LimitSpec(null, null, null, null, null, null, null));
                none.put("usage", List.of());
                return Uni.createFrom().item(none);
            }
            return view(stored);
        });
    }

    private boolean visible(ScopeType type, UUID id, LimitStore.Owner owner) {
        return switch (type) {
            case KEY -> scope.canSee(owner.teamId());
            case TEAM -> scope.canSee(id);
            case ORG -> scope.allTeams();
        };
    }

    private Uni<Map<String, Object>> view(StoredLimits stored) {
        return usage.of(stored).map(entries -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("scope", stored.type().id());
            view.put("id", stored.scopeId());
            view.put("orgId", stored.orgId());
            view.put("limits", stored.spec());
            view.put("usage", entries);
            return view;
        });
    }
}
