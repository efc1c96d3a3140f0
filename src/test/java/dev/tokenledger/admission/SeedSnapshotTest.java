package dev.tokenledger.admission;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.admission.redis.RedisScripts;
import dev.tokenledger.admission.settlement.Orphans;
import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A counter re-seeded from the ledger records the snapshot its ledger read ran under; a settlement posted on top of it
 * (kept while Redis was unreachable) adds its use unless that read saw the transaction that committed its row. No
 * clocks are compared, so no skew between replicas can make a counter miss or double a row.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class SeedSnapshotTest {

    private static final long SEEDED = 1000;
    private static final long USED = 100;

    @Inject
    UsageRecorder recorder;

    @Inject
    Pool pool;

    @Inject
    Redis redis;

    @Inject
    RedisScripts scripts;

    private String snapshot() {
        return pool.query("SELECT pg_current_snapshot()::text AS s").execute().await().indefinitely().iterator().next()
                .getString("s");
    }

    /** Settles a use of {@link #USED} committed by {@code transaction} on a counter seeded under {@code snapshot}. */
    private long settle(String snapshot, long transaction) {
        String counter = "tl:{o:seed-snapshot-test}:q:" + UUID.randomUUID();
        redis.send(Request.cmd(Command.HSET).arg(counter).arg("spent").arg(SEEDED).arg("held").arg(0).arg("snap")
                .arg(snapshot)).await().indefinitely();
        redis.send(Request.cmd(Command.PEXPIRE).arg(counter).arg(60000)).await().indefinitely();
        // ARGV as Settlement sends them: request id, marker TTL, one op, pace settings, the transaction, then the op
        scripts.run(RedisScripts.SETTLE, List.of(counter + ":done", counter), List.of(UUID.randomUUID().toString(),
                "60000", "1", "10000", "60000", String.valueOf(transaction), "q", "2", "0", String.valueOf(USED), "0", "0"))
                .await().indefinitely();
        return redis.send(Request.cmd(Command.HGET).arg(counter).arg("spent")).await().indefinitely().toLong();
    }

    @Test
    void aSettlementIsAddedUnlessTheSeedsReadSawItsTransaction() {
        // transactions below 100 had committed when the ledger was read, 103 and 105 were still running, 110 and later
        // had not begun
        String snapshot = "100:110:103,105";
        assertEquals(SEEDED, settle(snapshot, 99));
        assertEquals(SEEDED, settle(snapshot, 104));
        assertEquals(SEEDED, settle(snapshot, 109));
        assertEquals(SEEDED + USED, settle(snapshot, 103));
        assertEquals(SEEDED + USED, settle(snapshot, 105));
        assertEquals(SEEDED + USED, settle(snapshot, 110));
        // not known (a spooled row, or one the database already had): added, so the counter can only run ahead
        assertEquals(SEEDED + USED, settle(snapshot, 0));
        assertEquals(SEEDED + USED, settle("100:100:", 0));
    }

    @Test
    void aRowsThirtyTwoBitTransactionIdWidensIntoItsEpoch() {
        // past the first 2^32 transactions: one of the previous epoch, one of the current, the newest
        assertEquals("4294967200", widened(4294967396L, 4294967200L));
        assertEquals("4294967346", widened(4294967396L, 50));
        assertEquals("4294967395", widened(4294967396L, 99));
        assertEquals("741", widened(745, 741));
    }

    private String widened(long top, long xid) {
        return pool.query("SELECT " + Orphans.widened(top + "::numeric", xid + "::numeric") + "::text AS x").execute()
                .await().indefinitely().iterator().next().getString("x");
    }

    @Test
    void aLedgerRowsTransactionIsSeenByReadsAfterItsCommitAndNotBefore() throws Exception {
        String before = snapshot();
        UsageRecord record = UsageRecord.builder(UUID.randomUUID().toString(), Instant.now(), Principal.MASTER)
                .request("openai", "snapshot-model", "chat", null).upstream("mock", "openai", "snapshot-model")
                .outcome(UsageRecord.Outcome.OK, null).usage(new Usage(60, 0, 0, 40, 0, Usage.Source.PROVIDER),
                        PricedUsage.UNPRICED)
                .timing(false, 1_000_000, -1).build();
        Durability durable = recorder.record(record).toCompletableFuture().get(10, SECONDS);
        String after = snapshot();

        assertTrue(durable.transaction() > 0, "the row was spooled, or its writing transaction is not known: " + durable);
        assertEquals(SEEDED + USED, settle(before, durable.transaction()),
                "a counter seeded before the row was committed must add its use");
        assertEquals(SEEDED, settle(after, durable.transaction()),
                "a counter seeded after the row was committed holds it already");
        // the reconciliation of orphaned holds finds the same transaction from the row itself (its xmin)
        Row orphan = pool.preparedQuery(Orphans.ROWS).execute(Tuple.of(new String[]{record.requestId()})).await()
                .indefinitely().iterator().next();
        assertEquals(durable.transaction(), Long.parseLong(orphan.getString("transaction")));
    }
}
