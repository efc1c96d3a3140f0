package dev.tokenledger.admission.redis;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Demand;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.admission.limits.Plans;
import dev.tokenledger.admission.limits.StoredLimits;
import dev.tokenledger.auth.Principal;
import dev.tokenledger.config.GatewayConfig;

/**
 * Current consumption of a scope's limits, for the admin API: quotas and budgets from the ledger (the truth) plus what
 * is held in Redis for requests in flight; rates and concurrency from Redis. Without Redis, only the ledger part.
 */
@ApplicationScoped
public class LimitUsage {

    private final Seeder seeder;
    private final Redis redis;
    private final GatewayConfig config;

    @Inject
    public LimitUsage(Seeder seeder, Redis redis, GatewayConfig config) {
        this.seeder = seeder;
        this.redis = redis;
        this.config = config;
    }

    /** One entry per limit (and per model limit), in the order of the limits. */
    public Uni<List<Map<String, Object>>> of(StoredLimits scope) {
        Instant now = Instant.now();
        ZoneId zone = ZoneId.of(config.admission().timezone());
        List<Check> checks = new ArrayList<>(Plans.checks(List.of(scope), demand(null), zone, now, false));
        for (String model : scope.spec().models().keySet()) {
            Plans.checks(List.of(scope), demand(model), zone, now, false).stream()
                    .filter(c -> model.equals(c.model())).forEach(checks::add);
        }
        List<Uni<Map<String, Object>>> entries = new ArrayList<>();
        for (Check check : checks) {
            entries.add(entry(check, now));
        }
        return entries.isEmpty() ? Uni.createFrom().item(List.of()) : Uni.join().all(entries).andFailFast();
    }

    private static Demand demand(String model) {
        return new Demand("usage", Principal.ANONYMOUS, model, 0, 0L, "none");
    }

    private Uni<Map<String, Object>> entry(Check check, Instant now) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("limit", check.type().name().toLowerCase());
        if (check.model() != null) {
            entry.put("model", check.model());
        }
        entry.put("max", check.type() == Limit.BUDGET ? usd(check.limit()) : check.limit());
        if (check.type().counted()) {
            entry.put("window", Map.of("start", check.window().start().toString(), "end", check.window().end().toString()));
            return seeder.ledgerTotal(check).chain(used -> held(check, now).map(held -> {
                boolean money = check.type() == Limit.BUDGET;
                entry.put("used", money ? usd(used) : used);
                entry.put("held", held == null ? null : money ? usd(held) : held);
                long remaining = Math.max(0, check.limit() - used - (held == null ? 0 : held));
                entry.put("remaining", money ? usd(remaining) : remaining);
                return entry;
            }));
        }
        return rateState(check, now).map(value -> {
            entry.put(check.type() == Limit.PARALLEL ? "inFlight" : "remaining", value);
            return entry;
        });
    }

    /**
     * What the unexpired holds reserve. Not the counter's {@code held} field: the holds of a replica that died stay in
     * it until the next admission against the scope sweeps them, while they stopped counting when their TTL ended.
     */
    private Uni<Long> held(Check check, Instant now) {
        long nowUs = now.toEpochMilli() * 1000;
        return redis(Request.cmd(Command.ZRANGEBYSCORE).arg(check.key() + ":h").arg("(" + nowUs).arg("+inf")).map(r -> {
            long held = 0;
            if (r != null) {
                for (Response member : r) {
                    String hold = member.toString();
                    held += Long.parseLong(hold.substring(hold.lastIndexOf(':') + 1));
                }
            }
            return held;
        });
    }

    private Uni<Long> rateState(Check check, Instant now) {
        long nowUs = now.toEpochMilli() * 1000;
        if (check.type() == Limit.PARALLEL) {
            return redis(Request.cmd(Command.ZCOUNT).arg(check.key()).arg(nowUs).arg("+inf"))
                    .map(r -> r == null ? 0L : r.toLong());
        }
        return redis(Request.cmd(Command.GET).arg(check.key())).map(r -> {
            long tat = r == null ? nowUs : Math.max(nowUs, r.toLong());
            return Math.max(0, (long) Math.floor((Check.MINUTE_US - (tat - nowUs)) / check.intervalUs()));
        });
    }

    /** A Redis read that answers null instead of failing (the admin view works without Redis). */
    private Uni<Response> redis(Request request) {
        return redis.send(request).ifNoItem().after(config.admission().redisTimeout()).fail().onFailure()
                .recoverWithNull();
    }

    /** Money as a decimal string, like the budget's amount: never a binary floating-point number. */
    private static String usd(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
