package dev.tokenledger.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.admin.openapi.AdminSchemas;
import dev.tokenledger.admission.limits.LimitSpec;
import dev.tokenledger.admission.limits.LimitStore;
import dev.tokenledger.admission.limits.ScopeType;
import dev.tokenledger.admission.limits.StoredLimits;
import dev.tokenledger.admission.redis.LimitUsage;
import dev.tokenledger.audit.AuditEntry;
import dev.tokenledger.audit.AuditedChange;
import dev.tokenledger.json.Json;

/** Limits of a key, a team or an organization: rates, concurrency, token quotas and a money budget. */
@Path("/admin/v1/limits/{scope}/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Limits", description = "Rate limits, token quotas and money budgets of a key, a team or an organization")
public class LimitsResource {

    /** The media type of JSON merge patches (RFC 7396). */
    public static final String MERGE_PATCH = "application/merge-patch+json";

    private final LimitStore store;
    private final LimitUsage usage;
    private final AdminScope scope;
    private final ObjectMapper mapper;

    @Inject
    public LimitsResource(LimitStore store, LimitUsage usage, AdminScope scope, ObjectMapper mapper) {
        this.store = store;
        this.usage = usage;
        this.scope = scope;
        this.mapper = mapper;
    }

    @PUT
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "setLimits", summary = "Set the limits of a key, team or organization (replaces them all; absent fields are "
            + "unlimited; unknown fields are refused; PATCH changes some, DELETE removes all)")
    @APIResponse(responseCode = "200", description = "The limits as stored, with current consumption", content = @Content(schema = @Schema(implementation = AdminSchemas.ScopeLimits.class)))
    public Uni<Map<String, Object>> put(
            @BeanParam LimitScope target, LimitSpec body) {
        ScopeType scopeType = target.type();
        UUID id = target.id();
        if (body == null) {
            throw AdminErrors.invalid(null, "A JSON body with the limits is required.");
        }
        if (body.setsNothing()) {
            throw AdminErrors.invalid(null, "The body sets no limit. PUT replaces every limit of the scope: send the "
                    + "limits to keep, PATCH to change some, or DELETE to remove them all.");
        }
        LimitSpec spec = body.validated("");
        return audited(scopeType, id, "set", () -> store.put(scopeType, id, spec, scope.actor())).chain(this::view);
    }

    @PATCH
    @Consumes({MERGE_PATCH, MediaType.APPLICATION_JSON})
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "patchLimits", summary = "Change some limits of a key, team or organization (JSON merge patch: fields present are set, "
            + "null removes one, absent fields are kept)")
    @APIResponse(responseCode = "200", description = "The limits as stored, with current consumption", content = @Content(schema = @Schema(implementation = AdminSchemas.ScopeLimits.class)))
    public Uni<Map<String, Object>> patch(
            @BeanParam LimitScope target,
            @RequestBody(description = "A JSON merge patch of the limits", required = true, content = {
                    @Content(mediaType = MERGE_PATCH, schema = @Schema(implementation = LimitSpec.class)),
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LimitSpec.class))}) JsonNode body) {
        ScopeType scopeType = target.type();
        UUID id = target.id();
        if (body == null || !body.isObject()) {
            throw AdminErrors.invalid(null, "A JSON object (a merge patch of the limits) is required.");
        }
        return audited(scopeType, id, "patch",
                () -> store.update(scopeType, id, current -> merged(current, body), scope.actor())).chain(this::view);
    }

    @DELETE
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "deleteLimits", summary = "Remove every limit of a key, team or organization")
    @APIResponse(responseCode = "204", description = "Removed")
    public Uni<RestResponse<Void>> delete(
            @BeanParam LimitScope target) {
        ScopeType scopeType = target.type();
        UUID id = target.id();
        AuditedChange audit = scope.change();
        StoredLimits before = store.get(scopeType, id);
        return store.remove(scopeType, id).call(removed -> removed
                ? record(audit, scopeType, id, "delete", before, null)
                : Uni.createFrom().voidItem()).map(removed -> RestResponse.noContent());
    }

    /**
     * A change of a scope's limits with its audit entry. The limits live in the SQL pool's own transactions (and in
     * every replica's memory), so the entry is appended right after the change commits.
     */
    private Uni<StoredLimits> audited(ScopeType type, UUID id, String action,
            java.util.function.Supplier<Uni<StoredLimits>> change) {
        AuditedChange audit = scope.change();
        StoredLimits before = store.get(type, id);
        return change.get().call(after -> record(audit, type, id, action, before, after));
    }

    private Uni<Void> record(AuditedChange audit, ScopeType type, UUID id, String action, StoredLimits before,
            StoredLimits after) {
        return store.owner(type, id).chain(owner -> audit.append(AuditEntry.of("limits", type.id() + ":" + id,
                action, type == ScopeType.TEAM ? id : owner == null ? null : owner.teamId(),
                before == null ? null : before.spec(), after == null ? null : after.spec())));
    }

    /** The stored limits with a merge patch applied, read as strictly as a PUT body and validated as a whole. */
    private Uni<LimitSpec> merged(LimitSpec current, JsonNode patch) {
        JsonNode base = current == null ? Json.NODES.objectNode() : Json.toNode(current);
        try {
            return Uni.createFrom().item(mapper.treeToValue(MergePatch.apply(base, patch), LimitSpec.class).validated(""));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    @GET
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "getLimits", summary = "The limits of a key, team or organization, with current consumption and what remains")
    @APIResponse(responseCode = "200", description = "The limits with current consumption", content = @Content(schema = @Schema(implementation = AdminSchemas.ScopeLimits.class)))
    public Uni<Map<String, Object>> get(
            @BeanParam LimitScope target) {
        ScopeType scopeType = target.type();
        UUID id = target.id();
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
