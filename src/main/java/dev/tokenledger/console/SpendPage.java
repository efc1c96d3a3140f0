package dev.tokenledger.console;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.admin.UsageResource;
import dev.tokenledger.admin.UsageResource.UsageGroup;

/**
 * Spend: cost, tokens and requests over time by org, team, key, model, provider, credential or end user, with names.
 */
@Path("/console")
public class SpendPage {

    /** The groupings offered, in the form's order. */
    static final List<String> GROUP_ORDER = List.of("org", "team", "key", "model", "provider", "credential",
            "end_user");
    static final Set<String> GROUPS = Set.copyOf(GROUP_ORDER);
    static final Set<String> INTERVALS = Set.of("hour", "day", "month");
    static final Set<String> METRICS = Set.of("cost", "tokens", "requests");
    /** Rows of the top table. */
    static final int TOP_ROWS = 50;

    private final ConsolePages pages;
    private final UsageResource usage;
    private final Template spend;

    @Inject
    public SpendPage(ConsolePages pages, UsageResource usage, @Location("console/spend.html") Template spend) {
        this.pages = pages;
        this.usage = usage;
        this.spend = spend;
    }

    /** The form's values, checked and defaulted (last 30 days by day, cost by model). */
    public record Form(String groupBy, String interval, String metric, String from, String to) {
        static Form of(String groupBy, String interval, String metric, String from, String to) {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            return new Form(known(GROUPS, groupBy, "model"), known(INTERVALS, interval, "day"),
                    known(METRICS, metric, "cost"), date(from, today.minusDays(29)),
                    date(to, today));
        }

        private static String known(Set<String> values, String value, String fallback) {
            return value != null && values.contains(value) ? value : fallback;
        }

        /** The exclusive end of the period: the day after {@code to}. */
        String end() {
            return LocalDate.parse(to).plusDays(1).toString();
        }

        private static String date(String value, LocalDate fallback) {
            try {
                return value == null || value.isBlank() ? fallback.toString() : LocalDate.parse(value).toString();
            } catch (java.time.format.DateTimeParseException e) {
                throw ConsolePages.invalid("Dates are like 2026-11-27.");
            }
        }
    }

    /** One row of the top-N table. */
    public record TopRow(String name, String id, long requests, long tokens, String cost, long unpriced,
            boolean complete) {
    }

    @GET
    @Path("/spend")
    @Produces(MediaType.TEXT_HTML)
    public Uni<Response> page(@QueryParam("groupBy") String groupBy, @QueryParam("interval") String interval,
            @QueryParam("metric") String metric, @QueryParam("from") String from, @QueryParam("to") String to) {
        Form form = Form.of(groupBy, interval, metric, from, to);
        return pages.page("spend", viewer -> usage.top(form.groupBy(), form.from(), form.end(), form.interval(),
                form.metric(), TOP_ROWS, SpendChart.MAX_SERIES).map(result -> {
                    List<String> top = result.top().stream().limit(SpendChart.MAX_SERIES).map(SpendChart::label).toList();
                    UsageGroup all = result.all();
                    return spend.data("form", form).data("chart", SpendChart.of(result.series(), top, form.metric()))
                            .data("rows", rows(result.top())).data("unpriced", all.unpricedRequests())
                            .data("requests", all.requests()).data("cost", all.costUsd())
                            .data("groups", GROUP_ORDER)
                            .data("intervals", List.of("hour", "day", "month"))
                            .data("metrics", List.of("cost", "tokens", "requests"));
                }));
    }

    @GET
    @Path("/spend.csv")
    @Produces("text/csv")
    public Uni<Response> csv(@QueryParam("groupBy") String groupBy, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        Form form = Form.of(groupBy, null, null, from, to);
        return pages.signedIn(viewer -> usage.usage(form.groupBy(), form.from(), form.end(), null).map(totals -> {
            StringBuilder csv = new StringBuilder("group,name,requests,input_tokens,output_tokens,cost_usd,"
                    + "unpriced_requests\n");
            for (UsageGroup g : totals) {
                csv.append(UsageResource.cell(g.group())).append(',').append(UsageResource.cell(g.name()))
                        .append(',').append(g.requests()).append(',').append(g.inputTokens()).append(',')
                        .append(g.outputTokens()).append(',').append(g.costUsd() == null ? "unpriced" : g.costUsd())
                        .append(',').append(g.unpricedRequests()).append('\n');
            }
            return Response.ok(csv.toString(), "text/csv").header("Content-Disposition",
                    "attachment; filename=\"spend-" + form.groupBy() + "-" + form.from() + "-" + form.to() + ".csv\"")
                    .build();
        }));
    }

    /** The top table, in the order of the ranking. */
    static List<TopRow> rows(List<UsageGroup> top) {
        return top.stream().map(g -> new TopRow(SpendChart.label(g), g.group(), g.requests(), g.inputTokens()
                + g.outputTokens(), g.costUsd(), g.unpricedRequests(), g.costComplete())).toList();
    }
}
