package dev.tokenledger.console;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.admin.KeysResource;
import dev.tokenledger.admin.LimitScope;
import dev.tokenledger.admin.LimitsResource;
import dev.tokenledger.admin.TenancyResource;
import dev.tokenledger.admission.limits.BudgetSpec;
import dev.tokenledger.admission.limits.LimitSpec;
import dev.tokenledger.admission.limits.ScopeType;

/** Keys: list and search, create with a budget and rate limit in one step (the key shown once), state changes. */
@Path("/console/keys")
public class KeysPage {

    private final ConsolePages pages;
    private final KeysResource keys;
    private final LimitsResource limits;
    private final TenancyResource tenancy;
    private final Template template;

    @Inject
    public KeysPage(ConsolePages pages, KeysResource keys, LimitsResource limits, TenancyResource tenancy,
            @Location("console/keys.html") Template template) {
        this.pages = pages;
        this.keys = keys;
        this.limits = limits;
        this.tenancy = tenancy;
        this.template = template;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("q") String q, @QueryParam("page") Integer page) {
        return pages.page("keys", viewer -> render(q, page == null ? 1 : page, null, null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> create(@HeaderParam("X-CSRF-Token") String csrf, @FormParam("name") String name,
            @FormParam("teamId") UUID teamId, @FormParam("budgetUsd") String budgetUsd,
            @FormParam("budgetWindow") String window, @FormParam("rpm") String rpm) {
        return pages.change(csrf, "keys", viewer -> {
            LimitSpec spec;
            try {
                spec = spec(budgetUsd, window, rpm);
            } catch (RuntimeException e) {
                return render(null, 1, null, ConsolePages.message(e));
            }
            return keys.create(new KeysResource.CreateKey(name, teamId, null, null, null)).chain(created -> {
                KeysResource.CreatedKey key = created.getEntity();
                Uni<?> limited = spec == null
                        ? Uni.createFrom().voidItem()
                        : limits.put(LimitScope.of(ScopeType.KEY, key.id()), spec);
                return limited.chain(x -> render(null, 1, key, null))
                        .onFailure().recoverWithUni(e -> render(null, 1, key, "The key was created, but its limits "
                                + "were refused: " + ConsolePages.message(e)));
            }).onFailure().recoverWithUni(e -> render(null, 1, null, ConsolePages.message(e)));
        });
    }

    @POST
    @Path("/{id}/{action}")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> act(@HeaderParam("X-CSRF-Token") String csrf, @PathParam("id") UUID id,
            @PathParam("action") String action, @FormParam("overlapSeconds") Long overlapSeconds) {
        return pages.change(csrf, "keys", viewer -> {
            Uni<?> change = switch (action) {
                case "disable" -> keys.disable(id);
                case "enable" -> keys.enable(id);
                case "revoke" -> keys.revoke(id);
                case "rotate" -> keys.rotate(id, overlapSeconds).map(r -> r.getEntity());
                default -> Uni.createFrom().failure(ConsolePages.invalid("Unknown action."));
            };
            return change.chain(result -> render(null, 1,
                    result instanceof KeysResource.CreatedKey k ? k : null, null))
                    .onFailure().recoverWithUni(e -> render(null, 1, null, ConsolePages.message(e)));
        });
    }

    /** The limits to set with a new key, or null when the form sets none. */
    static LimitSpec spec(String budgetUsd, String window, String rpm) {
        BudgetSpec budget = budgetUsd == null || budgetUsd.isBlank()
                ? null
                : new BudgetSpec(new BigDecimal(budgetUsd.trim()), window == null || window.isBlank() ? "month" : window,
                        null, null, null, null);
        Long perMinute = rpm == null || rpm.isBlank() ? null : Long.valueOf(rpm.trim());
        if (budget == null && perMinute == null) {
            return null;
        }
        return new LimitSpec(perMinute, null, null, null, null, budget, null);
    }

    /** Keys per page of the list. */
    static final int PAGE_SIZE = 50;
    /** The last page asked for that is served: past it the offset would overflow (5,000,000 keys). */
    static final int MAX_PAGE = 100_000;

    private Uni<TemplateInstance> render(String q, int page, KeysResource.CreatedKey created, String error) {
        int shown = Math.min(Math.max(1, page), MAX_PAGE);
        String search = q == null ? "" : q;
        return tenancy.teams().chain(teams -> keys.search(search, (shown - 1) * PAGE_SIZE, PAGE_SIZE).map(found -> {
            Map<UUID, String> teamNames = teams.stream()
                    .collect(Collectors.toMap(TenancyResource.TeamView::id, TenancyResource.TeamView::name));
            long first = found.keys().isEmpty() ? 0 : (long) (shown - 1) * PAGE_SIZE + 1;
            return template.data("keys", found.keys()).data("teams", teams).data("teamNames", teamNames)
                    .data("q", search).data("created", created).data("error", error)
                    .data("replaced", found.replaced())
                    .data("first", first).data("last", first == 0 ? 0 : first + found.keys().size() - 1)
                    .data("previous", shown > 1 ? link(search, shown - 1) : null)
                    .data("next", found.more() ? link(search, shown + 1) : null);
        }));
    }

    /** A link to another page of the list, with the same search. */
    static String link(String q, int page) {
        return "/console/keys?" + (q.isBlank()
                ? ""
                : "q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)
                        + "&")
                + "page=" + page;
    }
}
