package dev.tokenledger.console;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.admin.DeploymentsResource;
import dev.tokenledger.admin.LimitScope;
import dev.tokenledger.admin.LimitsResource;
import dev.tokenledger.admin.PricesResource;
import dev.tokenledger.admission.limits.LimitStore;
import dev.tokenledger.admission.limits.StoredLimits;

/** Limits and budgets, deployments (health, cooldowns with clear), and prices (catalogue, import diff, quote). */
@Path("/console")
public class OperationsPages {

    private final ConsolePages pages;
    private final LimitsResource limits;
    private final LimitStore store;
    private final DeploymentsResource deployments;
    private final PricesResource prices;
    private final Template limitsPage;
    private final Template deploymentsPage;
    private final Template pricesPage;

    @Inject
    public OperationsPages(ConsolePages pages, LimitsResource limits, LimitStore store, DeploymentsResource deployments,
            PricesResource prices, @Location("console/limits.html") Template limitsPage,
            @Location("console/deployments.html") Template deploymentsPage,
            @Location("console/prices.html") Template pricesPage) {
        this.pages = pages;
        this.limits = limits;
        this.store = store;
        this.deployments = deployments;
        this.prices = prices;
        this.limitsPage = limitsPage;
        this.deploymentsPage = deploymentsPage;
        this.pricesPage = pricesPage;
    }

    /** One limit of one scope as a bar: used of max, and when its window resets. */
    public record Gauge(String scope, String id, String limit, String used, String max, int percent, String resetsIn) {
    }

    @GET
    @Path("/limits")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> limits() {
        return pages.page("limits", viewer -> {
            List<Uni<List<Gauge>>> each = new ArrayList<>();
            for (StoredLimits s : store.all().stream().limit(200).toList()) {
                each.add(limits.get(LimitScope.of(s.type(), s.scopeId())).map(OperationsPages::gauges)
                        .onFailure().recoverWithItem(List.of()));
            }
            Uni<List<Gauge>> all = each.isEmpty()
                    ? Uni.createFrom().item(List.of())
                    : Uni.join().all(each).andCollectFailures()
                            .map(lists -> lists.stream().flatMap(List::stream).toList());
            return all.map(g -> limitsPage.data("gauges", g));
        });
    }

    @SuppressWarnings("unchecked")
    static List<Gauge> gauges(Map<String, Object> view) {
        List<Gauge> out = new ArrayList<>();
        for (Map<String, Object> u : (List<Map<String, Object>>) view.get("usage")) {
            double used = number(u.get("used"));
            double max = number(u.get("max"));
            int percent = max <= 0 ? 0 : (int) Math.min(100, Math.round(used * 100 / max));
            String resets = null;
            if (u.get("window") instanceof Map<?, ?> w && w.get("end") != null) {
                long seconds = Instant.parse(w.get("end").toString()).getEpochSecond() - Instant.now().getEpochSecond();
                resets = seconds <= 0
                        ? "now"
                        : seconds >= 86_400
                                ? seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h"
                                : seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
            }
            out.add(new Gauge(String.valueOf(view.get("scope")), String.valueOf(view.get("id")),
                    String.valueOf(u.get("limit")), String.valueOf(u.get("used")), String.valueOf(u.get("max")), percent,
                    resets));
        }
        return out;
    }

    private static double number(Object value) {
        try {
            return value == null ? 0 : Double.parseDouble(value.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @GET
    @Path("/deployments")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> deployments() {
        return pages.page("deployments", viewer -> renderDeployments(null));
    }

    @POST
    @Path("/deployments/cooldown")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> clear(@HeaderParam("X-CSRF-Token") String csrf, @FormParam("id") String id) {
        return pages.change(csrf, "deployments", viewer -> deployments.clearCooldown(id)
                .chain(x -> renderDeployments("Cooldown of " + id + " cleared."))
                .onFailure().recoverWithUni(e -> renderDeployments(ConsolePages.message(e))));
    }

    private Uni<TemplateInstance> renderDeployments(String message) {
        return deployments.list().chain(list -> deployments.traffic(24).map(traffic -> deploymentsPage
                .data("deployments", list).data("traffic", traffic).data("message", message)));
    }

    @GET
    @Path("/prices")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> prices(@QueryParam("q") String q) {
        return pages.page("prices", viewer -> Uni.createFrom().item(renderPrices(q, null, null, null)));
    }

    @POST
    @Path("/prices/quote")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> quote(@HeaderParam("X-CSRF-Token") String csrf, @FormParam("provider") String provider,
            @FormParam("model") String model, @FormParam("input") long input, @FormParam("output") long output) {
        return pages.change(csrf, "prices", viewer -> {
            try {
                PricesResource.Quote quote = prices.quote(new PricesResource.QuoteRequest(provider, model,
                        new PricesResource.QuoteUsage(input, 0, 0, 0, output, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0, 0, null),
                        null));
                return Uni.createFrom().item(renderPrices(model, quote, null, null));
            } catch (RuntimeException e) {
                return Uni.createFrom().item(renderPrices(model, null, null, ConsolePages.message(e)));
            }
        });
    }

    @POST
    @Path("/prices/import")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> importPrices(@HeaderParam("X-CSRF-Token") String csrf, @FormParam("format") String format,
            @FormParam("file") String file, @FormParam("apply") boolean apply) {
        return pages.change(csrf, "prices", viewer -> prices.importFile(format, "console", !apply,
                file == null ? new byte[0] : file.getBytes(StandardCharsets.UTF_8))
                .map(summary -> renderPrices(null, null, summary, null).data("file", file).data("format", format))
                .onFailure().recoverWithItem(e -> renderPrices(null, null, null, ConsolePages.message(e))));
    }

    private TemplateInstance renderPrices(String q, PricesResource.Quote quote, PricesResource.ImportSummary summary,
            String error) {
        String needle = q == null ? "" : q.toLowerCase(Locale.ROOT).trim();
        List<PricesResource.VersionView> current = prices.current(null, null).stream()
                .filter(v -> needle.isEmpty() || (v.provider() + "/" + v.model()).toLowerCase(Locale.ROOT).contains(needle))
                .limit(100).toList();
        List<PricesResource.VersionView> versions = current.size() == 1
                ? prices.versions(current.get(0).provider(), current.get(0).model())
                : List.of();
        return pricesPage.data("current", current).data("versions", versions).data("q", q == null ? "" : q)
                .data("quote", quote).data("summary", summary).data("error", error).data("file", null)
                .data("format", null);
    }
}
