package dev.tokenledger.admin;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.audit.AuditEntry;
import dev.tokenledger.audit.AuditedChange;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.tenancy.Org;
import dev.tokenledger.tenancy.Team;

/** Organizations and teams. */
@Path("/admin/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Tenancy", description = "Organizations and their teams")
public class TenancyResource {

    private final AdminScope scope;

    @Inject
    public TenancyResource(AdminScope scope) {
        this.scope = scope;
    }

    public record CreateOrg(@Schema(required = true, examples = "acme") String name) {
    }

    public record OrgView(UUID id, String name, OffsetDateTime createdAt) {
        static OrgView of(Org o) {
            return new OrgView(o.id, o.name, o.createdAt);
        }
    }

    public record CreateTeam(@Schema(required = true, examples = "research") String name, @Schema(required = true) UUID orgId) {
    }

    public record TeamView(UUID id, String name, UUID orgId, OffsetDateTime createdAt) {
        static TeamView of(Team t) {
            return new TeamView(t.id, t.name, t.orgId, t.createdAt);
        }
    }

    @POST
    @Path("/orgs")
    @RolesAllowed(AdminScope.ADMIN)
    @WithTransaction
    @Operation(operationId = "createOrg", summary = "Create an organization")
    @APIResponse(responseCode = "201", description = "The organization", content = @Content(schema = @Schema(implementation = OrgView.class)))
    public Uni<RestResponse<OrgView>> createOrg(CreateOrg body) {
        String name = AdminErrors.required(body == null ? null : body.name(), "name");
        AuditedChange audit = scope.change();
        return Org.<Org>find("name", name).firstResult().chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(
                        GatewayError.of(ErrorKind.CONFLICT, "An organization named '" + name + "' exists already."));
            }
            Org org = new Org();
            org.id = UUID.randomUUID();
            org.name = name;
            org.createdAt = OffsetDateTime.now();
            return org.<Org>persist().map(OrgView::of)
                    .call(o -> audit.inTransaction(AuditEntry.of("org", o.id(), "create", null, null, o)))
                    .map(o -> RestResponse.status(RestResponse.Status.CREATED, o));
        });
    }

    @GET
    @Path("/orgs")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @WithSession
    @Operation(operationId = "listOrgs", summary = "List organizations (a viewer sees those of its teams)")
    public Uni<List<OrgView>> orgs() {
        // lambdas, not Org::listAll: a method reference names PanacheEntityBase, which Panache does not enhance
        return scope.<Org>visible(() -> Org.listAll(), teams -> Org.list("id in (select t.orgId from Team t where t.id in ?1)",
                teams)).map(list -> list.stream().map(OrgView::of).toList());
    }

    @POST
    @Path("/teams")
    @RolesAllowed(AdminScope.ADMIN)
    @WithTransaction
    @Operation(operationId = "createTeam", summary = "Create a team in an organization")
    @APIResponse(responseCode = "201", description = "The team", content = @Content(schema = @Schema(implementation = TeamView.class)))
    public Uni<RestResponse<TeamView>> createTeam(CreateTeam body) {
        String name = AdminErrors.required(body == null ? null : body.name(), "name");
        if (body.orgId() == null) {
            throw AdminErrors.invalid("orgId", "Missing required field: 'orgId'.");
        }
        AuditedChange audit = scope.change();
        return Org.<Org>findById(body.orgId()).chain(org -> {
            if (org == null) {
                return Uni.createFrom().failure(AdminErrors.notFound("Organization " + body.orgId()));
            }
            return Team.<Team>find("orgId = ?1 and name = ?2", org.id, name).firstResult().chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().failure(GatewayError.of(ErrorKind.CONFLICT,
                            "A team named '" + name + "' exists already in this organization."));
                }
                Team team = new Team();
                team.id = UUID.randomUUID();
                team.orgId = org.id;
                team.name = name;
                team.createdAt = OffsetDateTime.now();
                return team.<Team>persist().map(TeamView::of)
                        .call(t -> audit.inTransaction(AuditEntry.of("team", t.id(), "create", t.id(), null, t)))
                        .map(t -> RestResponse.status(RestResponse.Status.CREATED, t));
            });
        });
    }

    @GET
    @Path("/teams")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @WithSession
    @Operation(operationId = "listTeams", summary = "List teams (a viewer sees its own)")
    public Uni<List<TeamView>> teams() {
        return scope.<Team>visible(() -> Team.listAll(), teams -> Team.list("id in ?1", teams))
                .map(list -> list.stream().map(TeamView::of).toList());
    }
}
