package dev.tokenledger.admission.redis;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.admission.limits.UnpricedCharges;

/**
 * Seeds quota and budget counters from the ledger, the source of truth: when a window starts, and when Redis lost its
 * counters (restart without persistence, eviction). A counter lives until a day after its window ends.
 */
@ApplicationScoped
public class Seeder {

    private static final Duration KEEP_AFTER_WINDOW = Duration.ofDays(1);

    private final Pool pool;
    private final RedisScripts scripts;
    private final UnpricedCharges unpriced;

    @Inject
    public Seeder(Pool pool, RedisScripts scripts, UnpricedCharges unpriced) {
        this.pool = pool;
        this.scripts = scripts;
        this.unpriced = unpriced;
    }

    public Uni<Void> seed(List<Check> checks) {
        List<Uni<Row>> reads = new ArrayList<>(checks.size());
        for (Check check : checks) {
            reads.add(read(check));
        }
        return Uni.join().all(reads).andFailFast().chain(rows -> {
            List<String> keys = new ArrayList<>(checks.size());
            List<String> args = new ArrayList<>(checks.size() * 3);
            for (int i = 0; i < checks.size(); i++) {
                Check check = checks.get(i);
                keys.add(check.key());
                args.add(String.valueOf(rows.get(i).getLong("total")));
                args.add(String.valueOf(check.window().end().plus(KEEP_AFTER_WINDOW).toEpochMilli()));
                // which transactions' rows the total holds: settlements of those are not added on top
                args.add(rows.get(i).getString("snapshot"));
            }
            return scripts.run(RedisScripts.SEED, keys, args).replaceWithVoid();
        });
    }

    /** What the ledger holds for a check's scope and window: micro-USD for a budget, tokens for a quota. */
    public Uni<Long> ledgerTotal(Check check) {
        return read(check).map(row -> row.getLong("total"));
    }

    /** The ledger total of a check ({@code total}) and the snapshot it was read under ({@code snapshot}). */
    private Uni<Row> read(Check check) {
        String sum = check.type() == Limit.BUDGET
                ? unpriced.ledgerSum()
                : "coalesce(sum(input_tokens + output_tokens), 0)";
        String sql = "SELECT " + sum + " AS total, pg_current_snapshot()::text AS snapshot FROM usage_event WHERE "
                + check.scope().type().ledgerColumn() + " = $1 AND created_at >= $2 AND created_at < $3"
                + (check.model() == null ? "" : " AND requested_model = $4");
        Tuple params = Tuple.of(check.scope().scopeId(), OffsetDateTime.ofInstant(check.window().start(), ZoneOffset.UTC),
                OffsetDateTime.ofInstant(check.window().end(), ZoneOffset.UTC));
        if (check.model() != null) {
            params.addString(check.model());
        }
        return pool.preparedQuery(sql).execute(params).map(rows -> rows.iterator().next());
    }
}
