package dev.tokenledger.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
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

import dev.tokenledger.audit.AuditEntry;
import dev.tokenledger.audit.AuditedChange;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.routing.Cooldowns;
import dev.tokenledger.routing.DeploymentGuards;
import dev.tokenledger.routing.DeploymentStats;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Route;
import dev.tokenledger.routing.Target;

/**
 * The health of every configured deployment as this replica sees it (breaker, latency, in-flight, error rate) and as
 * all replicas share it (cooldowns), and the admin call that ends a cooldown.
 */
@Path("/admin/v1/deployments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Deployments", description = "Configured deployments: health, cooldowns, circuit state")
public class DeploymentsResource {

    /**
     * One deployment.
     *
     * @param breaker {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
     * @param cooldownUntil when its cooldown ends, or null when it is not cooling down
     * @param latencyMs moving average of the time to first token, or null before the first success
     * @param errorRate share of this replica's last 100 attempts that failed
     */
    public record DeploymentView(String id, String provider, String model, List<String> aliases, String breaker,
            Instant cooldownUntil, String cooldownReason, Double latencyMs, int inFlight, double errorRate) {
    }

    /**
     * What one deployment served for one alias over a period, from the ledger (every replica's rows).
     *
     * @param fallback whether the alias reached this deployment through one of its fallbacks (the deployment is not
     *        one of the alias's own)
     * @param errorRate share of the requests that ended in an upstream error
     */
    public record DeploymentTraffic(String deployment, String alias, boolean fallback, long requests, long errors,
            double errorRate, Long latencyMsAvg, Long latencyMsP95, Long ttftMsAvg) {
    }

    /** The longest period the traffic view sums over: 7 days. */
    static final int MAX_TRAFFIC_HOURS = 168;

    private final ModelRouter router;
    private final Cooldowns cooldowns;
    private final DeploymentGuards guards;
    private final DeploymentStats stats;
    private final Pool pool;
    private final AdminScope scope;

    @Inject
    public DeploymentsResource(ModelRouter router, Cooldowns cooldowns, DeploymentGuards guards, DeploymentStats stats,
            Pool pool, AdminScope scope) {
        this.pool = pool;
        this.scope = scope;
        this.router = router;
        this.cooldowns = cooldowns;
        this.guards = guards;
        this.stats = stats;
    }

    @GET
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "listDeployments", summary = "Every configured deployment with its breaker, cooldown, latency, in-flight and error rate")
    public Uni<List<DeploymentView>> list() {
        Map<String, Target> targets = new TreeMap<>();
        Map<String, List<String>> aliases = new TreeMap<>();
        router.aliases().forEach((alias, route) -> route.targets().forEach(t -> {
            targets.putIfAbsent(t.id(), t);
            aliases.computeIfAbsent(t.id(), id -> new ArrayList<>()).add(alias);
        }));
        return cooldowns.active(targets.keySet()).map(cooling -> targets.values().stream().map(t -> {
            DeploymentStats.Stats s = stats.of(t.id());
            Cooldowns.Cooldown c = cooling.get(t.id());
            double latency = s.latencyMillis();
            return new DeploymentView(t.id(), t.provider().id(), t.upstreamModel(), aliases.get(t.id()),
                    guards.breaker(t.id()).name(), c == null ? null : c.until(), c == null ? null : c.reason().name(),
                    latency < 0 ? null : latency, s.inFlight(), s.errorRate());
        }).toList());
    }

    @DELETE
    @Path("/{id: .+}/cooldown")
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "clearDeploymentCooldown", summary = "End a deployment's cooldown on every replica (id: <provider>/<model>)")
    public Uni<RestResponse<Void>> clearCooldown(@PathParam("id") String id) {
        boolean known = router.aliases().values().stream()
                .anyMatch(route -> route.targets().stream().anyMatch(t -> t.id().equals(id)));
        if (!known) {
            throw GatewayError.of(ErrorKind.NOT_FOUND, "Deployment " + id + " is not configured.");
        }
        AuditedChange audit = scope.change();
        return cooldowns.active(java.util.Set.of(id)).chain(before -> cooldowns.clear(id)
                .call(cleared -> audit.append(AuditEntry.of("deployment", id, "clear-cooldown", null,
                        before.get(id), null))))
                .map(cleared -> RestResponse.noContent());
    }

    @GET
    @Path("/traffic")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "getDeploymentTraffic", summary = "What each deployment served per alias over the last hours, "
            + "from the ledger: requests, those it served as a fallback, error rate, latency (a viewer: its teams' requests)")
    public Uni<List<DeploymentTraffic>> traffic(
            @QueryParam("hours") @Parameter(description = "The period: the last 1 to 168 hours (default 24)") Integer hours) {
        int h = hours == null ? 24 : hours;
        if (h < 1 || h > MAX_TRAFFIC_HOURS) {
            throw AdminErrors.invalid("hours", "'hours' must be between 1 and " + MAX_TRAFFIC_HOURS + ".");
        }
        List<Object> args = new ArrayList<>(List.of(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusHours(h)));
        String teams = "";
        if (!scope.allTeams()) {
            teams = " AND team_id = ANY($2)";
            args.add(scope.teams().toArray(new java.util.UUID[0]));
        }
        // the ledger's (created_at) index bounds the rows read to the period's
        String sql = "SELECT provider || '/' || upstream_model AS deployment, requested_model AS alias, count(*) AS requests, "
                + "count(*) FILTER (WHERE status = 'upstream_error') AS errors, round(avg(latency_ms)) AS latency, "
                + "percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95, round(avg(ttft_ms)) AS ttft "
                + "FROM usage_event WHERE created_at >= $1 AND provider IS NOT NULL AND upstream_model IS NOT NULL"
                + teams + " GROUP BY 1, 2 ORDER BY 1, 3 DESC";
        Map<String, Route> aliases = router.aliases();
        return pool.preparedQuery(sql).execute(Tuple.from(args)).map(rows -> {
            List<DeploymentTraffic> out = new ArrayList<>();
            for (Row r : rows) {
                String deployment = r.getString("deployment");
                String alias = r.getString("alias");
                Route own = aliases.get(alias);
                boolean fallback = own != null && own.targets().stream().noneMatch(t -> t.id().equals(deployment));
                long requests = r.getLong("requests");
                long errors = r.getLong("errors");
                out.add(new DeploymentTraffic(deployment, alias, fallback, requests, errors,
                        requests == 0 ? 0 : (double) errors / requests, wholeMillis(r, "latency"), wholeMillis(r, "p95"),
                        wholeMillis(r, "ttft")));
            }
            return out;
        });
    }

    private static Long wholeMillis(Row r, String column) {
        Object v = r.getValue(column);
        return v == null ? null : ((Number) v).longValue();
    }
}
