package dev.tokenledger.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.ledger.UsageUnits;

/** Usage aggregates and the CSV export ({@link LedgerResource}: ledger rows; {@link RepriceResource}: what-if repricing). A viewer sees only its teams. */
@Path("/admin/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Usage", description = "The usage ledger: aggregates, CSV export, single rows and repricing")
public class UsageResource {

    private static final Map<String, String> GROUPS = Map.of("key", "key_id::text", "team", "team_id::text", "org",
            "org_id::text", "model", "requested_model", "provider", "provider", "credential", "credential_id", "end_user",
            "end_user", "day", "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')");

    @Inject
    Pool pool;

    @Inject
    AdminScope scope;

    /**
     * One group's totals. {@code costUsd} is the sum over its priced rows, or null when every row is unpriced (an
     * unknown cost is never shown as 0); {@code costComplete} is false when some rows are unpriced, so that the sum is
     * a lower bound.
     */
    public record UsageGroup(String group, long requests, long inputTokens, long cacheReadTokens, long cacheWriteTokens,
            long outputTokens, long reasoningTokens, String costUsd, long unpricedRequests, boolean costComplete,
            @Schema(description = "The group's name (key, team, organization, credential label), when it has one") String name,
            @Schema(description = "Start of the period (UTC) when an interval was asked for") String period) {
    }

    /** Periods a usage query can be split into, and their SQL truncation unit. */
    private static final Map<String, String> INTERVALS = Map.of("hour", "hour", "day", "day", "month", "month");

    /** Names of grouped ids: the table and column that name them. */
    private static final Map<String, String> NAMES = Map.of("key",
            "SELECT id::text AS id, name FROM api_key WHERE id::text = ANY($1)",
            "team", "SELECT id::text AS id, name FROM team WHERE id::text = ANY($1)", "org",
            "SELECT id::text AS id, name FROM org WHERE id::text = ANY($1)", "credential",
            "SELECT id::text AS id, label AS name FROM upstream_credential WHERE id::text = ANY($1)");

    @GET
    @Path("/usage")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "getUsage", summary = "Usage aggregates by key, team, org, model, provider, credential, end "
            + "user (requests that named one) or day")
    public Uni<List<UsageGroup>> usage(@QueryParam("groupBy") String groupBy, @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("interval") @Parameter(description = "hour, day or month: one group per period and group") String interval) {
        String by = groupBy == null ? "model" : groupBy;
        String group = GROUPS.get(by);
        if (group == null) {
            throw AdminErrors.invalid("groupBy", "Unknown groupBy '" + groupBy + "'; use one of " + GROUPS.keySet() + ".");
        }
        String unit = interval == null || interval.isBlank() ? null : INTERVALS.get(interval);
        if (interval != null && !interval.isBlank() && unit == null) {
            throw AdminErrors.invalid("interval", "Unknown interval '" + interval + "'; use hour, day or month.");
        }
        Filter f = filter(from, to);
        String sql = "SELECT to_char(p, '" + PERIOD_FORMAT + "') AS p, g, requests, input, cache_read, cache_write, "
                + "output, reasoning, cost, unpriced FROM (" + Source.of(by, group, unit, from, to, f).grouped()
                + ") b ORDER BY b.p, g";
        return pool.preparedQuery(sql).execute(f.args).chain(rows -> names(by, rows).map(names -> {
            List<UsageGroup> result = new ArrayList<>();
            for (Row r : rows) {
                String g = r.getString("g");
                result.add(group(r, g, g == null ? null : names.getOrDefault(g, g), r.getString("p")));
            }
            return result;
        }));
    }

    /** How a period's start is written: an ISO instant in UTC. */
    private static final String PERIOD_FORMAT = "YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"";

    /**
     * Where a period's usage is read and how it is summed: {@code from} is a table with its WHERE clause, {@code period}
     * and {@code group} expressions over its rows, {@code measures} the sums (requests, input, cache_read, cache_write,
     * output, reasoning, cost, unpriced). Whole UTC days read the daily rollups (V191; by end user V250, the requests
     * that named one); anything else reads the ledger.
     */
    private record Source(String from, String period, String group, String measures) {

        static Source of(String by, String group, String unit, String from, String to, Filter f) {
            boolean endUser = "end_user".equals(by);
            boolean daily = !"hour".equals(unit) && wholeDay(from) && wholeDay(to);
            String time = daily ? "day::timestamp" : "(created_at AT TIME ZONE 'UTC')";
            String period = unit == null ? "NULL::timestamp" : "date_trunc('" + unit + "', " + time + ")";
            if (daily) {
                return new Source((endUser ? "usage_daily_end_user" : "usage_daily") + " WHERE "
                        + f.where.replace("created_at >= $1 AND created_at < $2",
                                "day >= ($1 AT TIME ZONE 'UTC')::date AND day < ($2 AT TIME ZONE 'UTC')::date"),
                        period, "day".equals(by) ? "to_char(day, 'YYYY-MM-DD')" : group,
                        "sum(requests) AS requests, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read, "
                                + "sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output, "
                                + "sum(reasoning_tokens) AS reasoning, sum(cost_exact) AS cost, sum(unpriced) AS unpriced");
            }
            return new Source("usage_event WHERE " + f.where + (endUser ? " AND end_user IS NOT NULL" : ""), period, group,
                    "count(*) AS requests, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read, "
                            + "sum(cache_write_tokens) AS cache_write, sum(output_tokens) AS output, "
                            + "sum(reasoning_tokens) AS reasoning, sum(cost_exact) AS cost, "
                            + "count(*) FILTER (WHERE price_status = 'unpriced') AS unpriced");
        }

        /** The usage summed per period start ({@code p}, a UTC timestamp; null without an interval) and group ({@code g}). */
        String grouped() {
            return "SELECT " + period + " AS p, " + group + " AS g, " + measures + " FROM " + from + " GROUP BY 1, 2";
        }
    }

    /**
     * The largest groups of a period and their series, summed in SQL so that many groups (end users, keys) cost one
     * pass over the rollup or ledger and a few rows to the caller: {@code top} holds
     * the largest {@code rows} groups by the metric (largest first), {@code series} one row per period for each of the
     * largest {@code series} groups and one per period for all others together (group null, name "other"), {@code all}
     * the period's totals.
     */
    public record UsageTop(List<UsageGroup> top, List<UsageGroup> series, UsageGroup all) {
    }

    /** The metrics a top-N is ranked by: cost (priced rows), tokens (input and output) or requests. */
    private static final Map<String, String> RANKED_BY = Map.of("cost", "coalesce(cost, 0)", "tokens",
            "input + output", "requests", "requests");

    /** The most rows and series a top-N answers. */
    static final int MAX_TOP_ROWS = 500;
    static final int MAX_TOP_SERIES = 20;

    @GET
    @Path("/usage/top")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "getUsageTop", summary = "The largest groups of a period by cost, tokens or requests, the "
            + "series of the largest few per hour, day or month (all other groups summed as \"other\"), and the totals")
    public Uni<UsageTop> top(@QueryParam("groupBy") @Parameter(description = "key, team, org, model, provider, "
            + "credential or end_user (default model)") String groupBy, @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("interval") @Parameter(description = "hour, day (default) or month") String interval,
            @QueryParam("metric") @Parameter(description = "cost (default), tokens or requests: what ranks the groups") String metric,
            @QueryParam("limit") @Parameter(description = "How many of the largest groups (1 to 500, default 50)") Integer limit,
            @QueryParam("series") @Parameter(description = "How many of them get a series of their own (0 to 20, default 8)") Integer series) {
        String by = groupBy == null || groupBy.isBlank() ? "model" : groupBy;
        String group = "day".equals(by) ? null : GROUPS.get(by);
        if (group == null) {
            throw AdminErrors.invalid("groupBy", "Unknown groupBy '" + groupBy + "'; use key, team, org, model, provider, "
                    + "credential or end_user.");
        }
        String unit = INTERVALS.get(interval == null || interval.isBlank() ? "day" : interval);
        if (unit == null) {
            throw AdminErrors.invalid("interval", "Unknown interval '" + interval + "'; use hour, day or month.");
        }
        String rank = RANKED_BY.get(metric == null || metric.isBlank() ? "cost" : metric);
        if (rank == null) {
            throw AdminErrors.invalid("metric", "Unknown metric '" + metric + "'; use cost, tokens or requests.");
        }
        int rows = limit == null ? 50 : limit;
        if (rows < 1 || rows > MAX_TOP_ROWS) {
            throw AdminErrors.invalid("limit", "'limit' must be between 1 and " + MAX_TOP_ROWS + ".");
        }
        int shownSeries = series == null ? 8 : series;
        if (shownSeries < 0 || shownSeries > MAX_TOP_SERIES) {
            throw AdminErrors.invalid("series", "'series' must be between 0 and " + MAX_TOP_SERIES + ".");
        }
        return top(by, group, unit, rank, from, to, rows, shownSeries);
    }

    private Uni<UsageTop> top(String groupBy, String group, String unit, String rank, String from, String to, int rows,
            int series) {
        Filter f = filter(from, to);
        Source source = Source.of(groupBy, group, unit, from, to, f);
        String columns = "requests, input, cache_read, cache_write, output, reasoning, cost, unpriced";
        String shown = "SELECT g FROM t WHERE n <= " + series;
        // one pass sums per group and per period (grouping sets); the largest few groups' series are read apart (by
        // end user through the rollup's (end_user, day) index), and all other groups of a period are that period's
        // total less theirs: no step holds a row per period and group, however many groups there are
        String sql = "WITH a AS MATERIALIZED (SELECT " + source.period() + " AS p, " + source.group() + " AS g, GROUPING("
                + source.period() + ") AS whole, " + source.measures() + " FROM " + source.from()
                + " GROUP BY GROUPING SETS ((" + source.group() + "), (" + source.period() + "))), "
                + "t AS (SELECT *, row_number() OVER (ORDER BY " + rank
                + " DESC, g COLLATE \"C\" NULLS LAST) AS n FROM a WHERE whole = 1), "
                + "s AS (SELECT " + source.period() + " AS p, " + source.group() + " AS g, " + source.measures() + " FROM "
                + source.from() + " AND (" + source.group() + " = ANY(ARRAY(" + shown + ")) OR (" + source.group()
                + " IS NULL AND EXISTS (" + shown + " AND g IS NULL))) GROUP BY 1, 2), "
                + "o AS (SELECT p, sum(requests) AS requests, sum(input) AS input, sum(cache_read) AS cache_read, "
                + "sum(cache_write) AS cache_write, sum(output) AS output, sum(reasoning) AS reasoning, "
                + "coalesce(sum(cost), 0) AS cost, sum(unpriced) AS unpriced FROM s GROUP BY p) "
                + "SELECT 0 AS kind, NULL AS p, n, g, false AS other, " + columns + " FROM t WHERE n <= " + rows + " "
                + "UNION ALL SELECT 1, to_char(p, '" + PERIOD_FORMAT + "'), 0, g, false, " + columns + " FROM s "
                + "UNION ALL SELECT 1, to_char(a.p, '" + PERIOD_FORMAT
                + "'), 0, NULL, true, a.requests - coalesce(o.requests, 0), "
                + "a.input - coalesce(o.input, 0), a.cache_read - coalesce(o.cache_read, 0), "
                + "a.cache_write - coalesce(o.cache_write, 0), a.output - coalesce(o.output, 0), "
                + "a.reasoning - coalesce(o.reasoning, 0), coalesce(a.cost, 0) - coalesce(o.cost, 0), "
                + "a.unpriced - coalesce(o.unpriced, 0) FROM a LEFT JOIN o ON o.p = a.p "
                + "WHERE a.whole = 0 AND a.requests > coalesce(o.requests, 0) "
                + "UNION ALL SELECT 2, NULL, 0, NULL, false, sum(requests), sum(input), sum(cache_read), sum(cache_write), "
                + "sum(output), sum(reasoning), sum(cost), sum(unpriced) FROM t ORDER BY 1, 2, 3";
        return pool.preparedQuery(sql).execute(f.args).chain(result -> names(groupBy, result).map(names -> {
            List<UsageGroup> top = new ArrayList<>();
            List<UsageGroup> periods = new ArrayList<>();
            UsageGroup all = null;
            for (Row r : result) {
                int kind = r.getInteger("kind");
                String g = r.getString("g");
                String name = r.getBoolean("other") ? "other" : g == null ? null : names.getOrDefault(g, g);
                UsageGroup row = group(r, g, name, r.getString("p"));
                if (kind == 0) {
                    top.add(row);
                } else if (kind == 1) {
                    periods.add(row);
                } else {
                    all = row;
                }
            }
            return new UsageTop(top, periods, all);
        }));
    }

    /** One row of a usage query as a group; an all-unpriced sum has no cost (never 0). */
    private static UsageGroup group(Row r, String g, String name, String period) {
        BigDecimal cost = r.getBigDecimal("cost");
        long requests = r.getLong("requests") == null ? 0 : r.getLong("requests");
        long unpriced = r.getLong("unpriced") == null ? 0 : r.getLong("unpriced");
        return new UsageGroup(g, requests, orZero(r.getLong("input")), orZero(r.getLong("cache_read")),
                orZero(r.getLong("cache_write")), orZero(r.getLong("output")), orZero(r.getLong("reasoning")),
                unpriced == requests || cost == null ? null : cost.stripTrailingZeros().toPlainString(), unpriced,
                unpriced == 0, name, period);
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    /** Whether a bound is a whole UTC day (a date, or an instant at midnight UTC). */
    static boolean wholeDay(String bound) {
        if (bound == null || bound.isBlank()) {
            return false;
        }
        Instant at = parse(bound, "from", Instant.EPOCH);
        return at.getEpochSecond() % 86_400 == 0 && at.getNano() == 0;
    }

    /** The names of the grouped ids (keys, teams, organizations, stored credentials); other groups name themselves. */
    private Uni<Map<String, String>> names(String groupBy, io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        String sql = NAMES.get(groupBy);
        java.util.Set<String> ids = new java.util.HashSet<>();
        rows.forEach(r -> {
            if (r.getString("g") != null) {
                ids.add(r.getString("g"));
            }
        });
        if (sql == null || ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(sql).execute(Tuple.of(ids.toArray(new String[0]))).map(named -> {
            Map<String, String> out = new HashMap<>();
            named.forEach(r -> out.put(r.getString("id"), r.getString("name")));
            return out;
        });
    }

    @GET
    @Path("/usage/export")
    @Produces("text/csv")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "exportUsage", summary = "Ledger rows of a period as CSV (credits: what a provider that bills "
            + "credits metered)")
    public Uni<String> export(@QueryParam("from") String from, @QueryParam("to") String to) {
        Filter f = filter(from, to);
        return pool.preparedQuery("SELECT request_id, created_at, org_id, team_id, key_id, requested_model, provider, "
                + "upstream_model, status, input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, "
                + "usage_source, cost_exact, price_status, price_version_id, streamed, (usage_units->>'"
                + UsageUnits.MICRO_CREDITS + "')::bigint AS micro_credits FROM usage_event WHERE " + f.where
                + " ORDER BY created_at").execute(f.args).map(rows -> {
                    StringBuilder csv = new StringBuilder("request_id,created_at,org_id,team_id,key_id,requested_model,"
                            + "provider,upstream_model,status,input_tokens,cache_read_tokens,cache_write_tokens,"
                            + "output_tokens,reasoning_tokens,usage_source,cost_usd,price_status,price_version_id,streamed,"
                            + "credits\n");
                    for (Row r : rows) {
                        for (int i = 0; i < r.size(); i++) {
                            if (i > 0) {
                                csv.append(',');
                            }
                            // credits (Kiro) as a decimal, like the ledger row shows them
                            Object v = "micro_credits".equals(r.getColumnName(i)) && r.getLong(i) != null
                                    ? UsageUnits.credits(r.getLong(i))
                                    : r.getValue(i);
                            csv.append(v == null ? "" : csvCell(v instanceof BigDecimal b ? b.toPlainString() : v.toString()));
                        }
                        csv.append('\n');
                    }
                    return csv.toString();
                });
    }

    /** A WHERE clause for a period and the caller's visible teams. */
    private Filter filter(String from, String to) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("created_at >= $1 AND created_at < $2");
        args.add(utc(parse(from, "from", Instant.EPOCH)));
        args.add(utc(parse(to, "to", Instant.now().plusSeconds(86_400))));
        if (!scope.allTeams()) {
            where.append(" AND team_id = ANY($3)");
            args.add(scope.teams().toArray(new UUID[0]));
        }
        return new Filter(where.toString(), Tuple.from(args));
    }

    private record Filter(String where, Tuple args) {
    }

    static Instant parse(String value, String param, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return value.length() == 10
                    ? java.time.LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw AdminErrors.invalid(param,
                    "'" + param + "' must be a date (2026-11-27) or an instant (2026-11-27T10:00:00Z).");
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Plain numbers, which a spreadsheet cannot take for a formula. */
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?");

    /**
     * One CSV cell (RFC 4180), safe to open in a spreadsheet: a text starting with {@code =}, {@code +}, {@code -},
     * {@code @}, a tab or a carriage return is prefixed with {@code '} so that it is never run as a formula (OWASP CSV
     * injection); plain numbers stay numbers.
     */
    public static String cell(String value) {
        return value == null ? "" : csvCell(value);
    }

    static String csvCell(String value) {
        if (!value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 && !NUMBER.matcher(value).matches()) {
            value = "'" + value;
        }
        return value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")
                || value.startsWith("'")
                        ? '"' + value.replace("\"", "\"\"") + '"'
                        : value;
    }
}
