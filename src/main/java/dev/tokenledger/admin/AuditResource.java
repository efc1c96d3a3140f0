package dev.tokenledger.admin;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.audit.AuditLog;

/**
 * The audit log of admin changes: who (master key or OIDC subject), what (object, id, action), the object before and
 * after (never a key, a hash or a secret), when and from where. Admins and finance read every entry; a viewer reads
 * the entries of its teams' objects.
 */
@Path("/admin/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audit", description = "Who changed what in the admin API, and when")
public class AuditResource {

    private static final int DEFAULT_LIMIT = 100;

    private final AuditLog log;
    private final AdminScope scope;

    @Inject
    public AuditResource(AuditLog log, AdminScope scope) {
        this.log = log;
        this.scope = scope;
    }

    /**
     * A page of entries, newest first.
     *
     * @param next the {@code before} of the following (older) page, or null when this is the last one
     */
    public record AuditPage(List<AuditLog.Entry> entries, Long next) {
    }

    @GET
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "listAudit", summary = "Admin changes, newest first, filtered and paged (a viewer sees its teams' objects)")
    public Uni<AuditPage> list(
            @QueryParam("entityType") @Parameter(description = "org, team, key, limits, price-version, price-import, deployment, credential, credentials") String entityType,
            @QueryParam("entityId") String entityId,
            @QueryParam("action") @Parameter(description = "create, revoke, rotate, disable, enable, set, patch, delete, import, clear-cooldown, update, rewrap") String action,
            @QueryParam("actor") @Parameter(description = "master-key or an OIDC principal name") String actor,
            @QueryParam("from") @Parameter(description = "a date (2026-11-27) or an instant") String from,
            @QueryParam("to") @Parameter(description = "a date or an instant (exclusive)") String to,
            @QueryParam("before") @Parameter(description = "entries older than this id (the next of the previous page)") Long before,
            @QueryParam("limit") @Parameter(description = "1 to 500, default 100") Integer limit) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > AuditLog.MAX_PAGE) {
            throw AdminErrors.invalid("limit", "'limit' must be between 1 and " + AuditLog.MAX_PAGE + ".");
        }
        AuditLog.Query query = new AuditLog.Query(bounded(entityType, "entityType"), bounded(entityId, "entityId"),
                bounded(action, "action"), bounded(actor, "actor"), UsageResource.parse(from, "from", null),
                UsageResource.parse(to, "to", null), scope.allTeams() ? null : scope.teams(), before, size);
        return log.read(query).map(entries -> new AuditPage(entries,
                entries.size() == size ? entries.get(entries.size() - 1).id() : null));
    }

    private static String bounded(String value, String param) {
        if (value != null && value.length() > 200) {
            throw AdminErrors.invalid(param, "'" + param + "' is longer than 200 characters.");
        }
        return value == null || value.isBlank() ? null : value;
    }

}
