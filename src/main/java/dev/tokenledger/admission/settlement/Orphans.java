package dev.tokenledger.admission.settlement;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.admission.limits.Demand;
import dev.tokenledger.admission.limits.LimitStore;
import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.limits.Ticket;
import dev.tokenledger.admission.redis.Leases;
import dev.tokenledger.auth.Principal;
import dev.tokenledger.config.GatewayConfig;

/**
 * Brings the Redis counters back to the ledger after a replica died between making a request's ledger row durable
 * and settling it. The admission script's sweep lists each request whose hold it found expired under its tenant's
 * {@code orphans} key; this job (one replica per round, by a Redis lease) reads those requests' rows from the ledger
 * and posts what they used to their budgets and token quotas as late settlements: once, whether this or the original
 * settlement comes first (the settlement's done marker). A request without a row was never answered and used
 * nothing; it is dropped once it has been an orphan for a hold TTL (a row still on its way, from a spool, has time to
 * arrive), unless it is a stream with a provisional row, which becomes its ledger row at its estimate
 * ({@code ProvisionalRows}) and is then posted like any other.
 */
@ApplicationScoped
public class Orphans {

    private static final int BATCH = 500;
    /**
     * The rows of orphaned requests, with the transaction that wrote each ({@code transaction}, in the 64-bit form
     * snapshots use): a row's {@code xmin} is the low 32 bits of it, and it began before the current snapshot's xmax
     * and less than 2^32 transactions earlier.
     */
    public static final String ROWS = "SELECT request_id, created_at, org_id, team_id, key_id, subject, requested_model, "
            + "input_tokens + output_tokens AS tokens, coalesce(cost_micros, 0) AS micros, "
            + widened("x.top", "xmin::text::numeric") + "::text AS transaction "
            + "FROM usage_event, (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::numeric AS top) x "
            + "WHERE request_id = ANY($1)";

    /**
     * Orphaned streams that began answering and have no ledger row yet: their provisional row becomes one (at its
     * estimate) once it is stale, so they are not dropped as never answered meanwhile.
     */
    public static final String PROVISIONAL = "SELECT request_id FROM usage_provisional WHERE request_id = ANY($1)";

    /** SQL: the 64-bit transaction id whose low 32 bits are {@code xid}, the latest not after {@code top}. */
    public static String widened(String top, String xid) {
        return "(" + top + " - ((" + top + " - " + xid + ") % 4294967296 + 4294967296) % 4294967296)";
    }

    private final LimitStore store;
    private final Settlement settlement;
    private final Redis redis;
    private final Pool pool;
    private final AdmissionMetrics metrics;
    private final GatewayConfig config;
    private final Leases leases;

    @Inject
    public Orphans(LimitStore store, Settlement settlement, Redis redis, Pool pool, AdmissionMetrics metrics,
            GatewayConfig config, Leases leases) {
        this.store = store;
        this.settlement = settlement;
        this.redis = redis;
        this.pool = pool;
        this.metrics = metrics;
        this.config = config;
        this.leases = leases;
    }

    void onStart(@Observes StartupEvent event) {
        leases.every(config.admission().orphansInterval(), "tl:orphans:lease", "Orphaned holds", this::reconcile);
    }

    /** One round (on the replica that holds the lease): answers the number of orphans reconciled. */
    public Uni<Integer> reconcile() {
        List<String> keys = new ArrayList<>();
        List<Request> reads = new ArrayList<>();
        for (UUID orgId : store.orgs()) {
            String key = Plans.tag(orgId) + "orphans";
            keys.add(key);
            reads.add(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(BATCH - 1).arg("WITHSCORES"));
        }
        return redis.batch(reads).ifNoItem().after(config.admission().redisTimeout()).fail().chain(answers -> {
            List<Uni<Integer>> tenants = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                Map<String, Long> since = orphans(answers.get(i));
                if (!since.isEmpty()) {
                    String key = keys.get(i);
                    Tuple ids = Tuple.tuple().addArrayOfString(since.keySet().toArray(String[]::new));
                    tenants.add(pool.preparedQuery(ROWS).execute(ids).chain(rows -> pool.preparedQuery(PROVISIONAL)
                            .execute(ids).chain(provisional -> post(key, since, rows, provisional))));
                }
            }
            return tenants.isEmpty()
                    ? Uni.createFrom().item(0)
                    : Uni.join().all(tenants).andCollectFailures()
                            .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
        });
    }

    /** An orphans key's request ids and since when they are orphans (Redis time, microseconds). */
    private static Map<String, Long> orphans(Response r) {
        Map<String, Long> since = new HashMap<>();
        if (r == null || r.size() == 0) {
            return since;
        }
        // RESP2 answers a flat list, RESP3 a list of pairs
        if (r.get(0).type() == io.vertx.redis.client.ResponseType.MULTI) {
            r.forEach(pair -> since.put(pair.get(0).toString(), pair.get(1).toLong()));
        } else {
            for (int i = 0; i + 1 < r.size(); i += 2) {
                since.put(r.get(i).toString(), r.get(i + 1).toLong());
            }
        }
        return since;
    }

    private Uni<Integer> post(String key, Map<String, Long> since, Iterable<Row> rows, Iterable<Row> provisional) {
        List<Uni<String>> posts = new ArrayList<>();
        java.util.Set<String> found = new java.util.HashSet<>();
        provisional.forEach(row -> found.add(row.getString("request_id")));
        ZoneId zone = ZoneId.of(config.admission().timezone());
        for (Row row : rows) {
            String requestId = row.getString("request_id");
            found.add(requestId);
            Principal principal = new Principal(row.getString("subject"), false, row.getUUID("key_id"),
                    row.getUUID("team_id"), row.getUUID("org_id"), List.of());
            Instant at = row.getOffsetDateTime("created_at").toInstant();
            Demand demand = new Demand(requestId, principal, row.getString("requested_model"), 0, null, null);
            Ticket ticket = new Ticket(demand, Plans.tag(principal.orgId()),
                    Plans.checks(Plans.scopes(store, principal), demand, zone, at, false), true);
            posts.add(settlement.late(ticket, row.getLong("tokens"), row.getLong("micros"),
                    Long.parseLong(row.getString("transaction"))).replaceWith(requestId)
                    .onFailure().recoverWithItem((String) null));
        }
        long staleBefore = Instant.now().toEpochMilli() * 1000 - config.admission().holdTtl().toMillis() * 1000;
        List<String> unanswered = new ArrayList<>();
        since.forEach((id, at) -> {
            if (at < staleBefore && !found.contains(id)) {
                unanswered.add(id);
            }
        });
        Uni<List<String>> posted = posts.isEmpty()
                ? Uni.createFrom().item(List.of())
                : Uni.join().all(posts).andCollectFailures()
                        .map(ids -> ids.stream().filter(java.util.Objects::nonNull).toList());
        return posted.chain(ids -> {
            List<String> done = new ArrayList<>(ids);
            // a row that could not be posted now stays an orphan for the next round
            done.addAll(unanswered);
            if (!ids.isEmpty()) {
                metrics.orphan("posted", ids.size());
            }
            if (!unanswered.isEmpty()) {
                metrics.orphan("unanswered", unanswered.size());
            }
            if (done.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            Log.infof("Reconciled %d orphaned requests with the ledger (%d posted, %d never answered)", done.size(),
                    ids.size(), unanswered.size());
            Request zrem = Request.cmd(Command.ZREM).arg(key);
            done.forEach(zrem::arg);
            return send(zrem).replaceWith(done.size());
        });
    }

    private Uni<Response> send(Request request) {
        return redis.send(request).ifNoItem().after(config.admission().redisTimeout()).fail();
    }
}
