package dev.tokenledger.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.ledger.UsageUnits;

/** The ledger's rows, newest first, filtered and paged by time (a viewer sees its teams' rows). */
@Path("/admin/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Usage", description = "The usage ledger: aggregates, CSV export, single rows and repricing")
public class LedgerResource {

    private static final int MAX_LIMIT = 500;

    private final Pool pool;
    private final AdminScope scope;

    @Inject
    public LedgerResource(Pool pool, AdminScope scope) {
        this.pool = pool;
        this.scope = scope;
    }

    /**
     * One ledger row as listed; {@code costUsd} is null for an unpriced row (never 0); {@code usageSource} says whether
     * the token counts are the provider's or estimated; {@code credits} is what a provider that bills credits instead
     * of tokens (Kiro) metered, a decimal string, null for other rows.
     */
    public record LedgerEntry(String requestId, Instant createdAt, UUID teamId, String teamName, UUID keyId,
            String keyName, String requestedModel, String provider, String upstreamModel, String status,
            long inputTokens, long outputTokens, String costUsd, String priceStatus, long latencyMs, Long ttftMs,
            boolean streamed, String usageSource, String credits) {
    }

    /** A page of rows; {@code next} is the {@code before} of the following (older) page, or null at the end. */
    public record LedgerPage(List<LedgerEntry> rows, Instant next) {
    }

    @GET
    @Path("/ledger")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "listLedger", summary = "Ledger rows, newest first, filtered by key, team, model, status and time")
    public Uni<LedgerPage> list(@QueryParam("keyId") UUID keyId, @QueryParam("teamId") UUID teamId,
            @QueryParam("model") @Parameter(description = "the requested model") String model,
            @QueryParam("status") String status,
            @QueryParam("from") @Parameter(description = "a date or an instant") String from,
            @QueryParam("before") @Parameter(description = "rows older than this instant (the next of the previous page); a date or an instant") String before,
            @QueryParam("limit") @Parameter(description = "1 to 500, default 50") Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw AdminErrors.invalid("limit", "'limit' must be between 1 and " + MAX_LIMIT + ".");
        }
        for (String text : new String[]{model, status}) {
            if (text != null && text.length() > 200) {
                throw AdminErrors.invalid(text == model ? "model" : "status", "The filter is longer than 200 characters.");
            }
        }
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("TRUE");
        add(where, args, "u.key_id = ", keyId);
        add(where, args, "u.team_id = ", teamId);
        add(where, args, "u.requested_model = ", blank(model));
        add(where, args, "u.status = ", blank(status));
        Instant since = UsageResource.parse(from, "from", null);
        add(where, args, "u.created_at >= ", since == null ? null : OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        Instant until = UsageResource.parse(before, "before", null);
        add(where, args, "u.created_at < ", until == null ? null : OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
        if (!scope.allTeams()) {
            args.add(scope.teams().toArray(new UUID[0]));
            where.append(" AND u.team_id = ANY($").append(args.size()).append(')');
        }
        args.add(size);
        String sql = "SELECT u.request_id, u.created_at, u.team_id, t.name AS team_name, u.key_id, k.name AS key_name, "
                + "u.requested_model, u.provider, u.upstream_model, u.status, u.input_tokens, u.output_tokens, u.cost_exact, "
                + "u.price_status, u.latency_ms, u.ttft_ms, u.streamed, u.usage_source, "
                + "(u.usage_units->>'" + UsageUnits.MICRO_CREDITS + "')::bigint AS micro_credits FROM usage_event u "
                + "LEFT JOIN team t ON t.id = u.team_id LEFT JOIN api_key k ON k.id = u.key_id WHERE " + where
                + " ORDER BY u.created_at DESC LIMIT $" + args.size();
        return pool.preparedQuery(sql).execute(Tuple.from(args)).map(rows -> {
            List<LedgerEntry> out = new ArrayList<>();
            for (Row r : rows) {
                BigDecimal cost = r.getBigDecimal("cost_exact");
                out.add(new LedgerEntry(r.getString("request_id"), r.getOffsetDateTime("created_at").toInstant(),
                        r.getUUID("team_id"), r.getString("team_name"), r.getUUID("key_id"), r.getString("key_name"),
                        r.getString("requested_model"), r.getString("provider"), r.getString("upstream_model"),
                        r.getString("status"), r.getLong("input_tokens"), r.getLong("output_tokens"),
                        cost == null ? null : cost.stripTrailingZeros().toPlainString(), r.getString("price_status"),
                        r.getLong("latency_ms"), r.getLong("ttft_ms"), r.getBoolean("streamed"),
                        r.getString("usage_source"), r.getLong("micro_credits") == null
                                ? null
                                : UsageUnits.credits(r.getLong("micro_credits"))));
            }
            return new LedgerPage(out, out.size() == size ? out.get(out.size() - 1).createdAt() : null);
        });
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void add(StringBuilder where, List<Object> args, String sql, Object value) {
        if (value != null) {
            args.add(value);
            where.append(" AND ").append(sql).append('$').append(args.size());
        }
    }

    @GET
    @Path("/ledger/{requestId}")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "getLedgerRow", summary = "One ledger row: every column (usageUnits: the finer counts by "
            + "unit), and credits, the decimal credits of a provider that bills in credits (Kiro)")
    public Uni<RestResponse<Map<String, Object>>> ledger(@PathParam("requestId") String requestId) {
        return pool.preparedQuery("SELECT * FROM usage_event WHERE request_id = $1").execute(Tuple.of(requestId)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw AdminErrors.notFound("Ledger row " + requestId);
            }
            Row r = rows.iterator().next();
            if (!scope.canSee(r.getUUID("team_id"))) {
                throw AdminErrors.notFound("Ledger row " + requestId);
            }
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < r.size(); i++) {
                Object v = r.getValue(i);
                row.put(camel(r.getColumnName(i)), v instanceof BigDecimal b
                        ? b.toPlainString()
                        : v instanceof io.vertx.core.json.JsonObject j
                                ? j.getMap()
                                : v instanceof OffsetDateTime t
                                        ? t.toInstant().toString()
                                        : v instanceof UUID u ? u.toString() : v);
            }
            // what a provider billing credits (Kiro) metered, as a decimal: the row's unit of account
            io.vertx.core.json.JsonObject units = r.getJsonObject("usage_units");
            Long micro = units == null ? null : units.getLong(UsageUnits.MICRO_CREDITS);
            row.put("credits", micro == null ? null : UsageUnits.credits(micro));
            return RestResponse.ok(row);
        });
    }

    private static String camel(String column) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : column.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }
}
