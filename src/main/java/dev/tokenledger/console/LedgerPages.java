package dev.tokenledger.console;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.admin.AuditResource;
import dev.tokenledger.admin.LedgerResource;

/** Requests (the ledger, filterable, and one request's detail) and the audit log. */
@Path("/console")
public class LedgerPages {

    private final ConsolePages pages;
    private final LedgerResource ledger;
    private final AuditResource audit;
    private final Template requests;
    private final Template request;
    private final Template auditPage;

    @Inject
    public LedgerPages(ConsolePages pages, LedgerResource ledger, AuditResource audit,
            @Location("console/requests.html") Template requests, @Location("console/request.html") Template request,
            @Location("console/audit.html") Template auditPage) {
        this.pages = pages;
        this.ledger = ledger;
        this.audit = audit;
        this.requests = requests;
        this.request = request;
        this.auditPage = auditPage;
    }

    @GET
    @Path("/requests")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> requests(@QueryParam("keyId") UUID keyId, @QueryParam("model") String model,
            @QueryParam("status") String status, @QueryParam("before") String before) {
        return pages.page("requests", viewer -> ledger.list(keyId, null, model, status, null, before, 50)
                .map(page -> requests.data("rows", page.rows()).data("next", page.next())
                        .data("model", model == null ? "" : model).data("status", status == null ? "" : status)
                        .data("keyId", keyId)));
    }

    @GET
    @Path("/requests/{id}")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> request(@PathParam("id") String id) {
        return pages.page("requests", viewer -> ledger.ledger(id).map(row -> request.data("row", row.getEntity())
                .data("id", id)));
    }

    @GET
    @Path("/audit")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> audit(@QueryParam("entityType") String entityType, @QueryParam("entityId") String entityId,
            @QueryParam("before") Long before) {
        return pages.page("audit", viewer -> audit.list(entityType, entityId, null, null, null, null, before, 100)
                .map(page -> auditPage.data("entries", page.entries()).data("next", page.next())
                        .data("entityType", entityType == null ? "" : entityType)
                        .data("entityId", entityId == null ? "" : entityId)));
    }
}
