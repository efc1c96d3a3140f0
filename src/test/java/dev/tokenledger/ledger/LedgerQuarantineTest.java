package dev.tokenledger.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.testing.DurableLedger;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.UsageRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A row PostgreSQL refuses (a NUL byte in a text column, injected below the edge, which refuses it) is quarantined
 * alone: the other rows of its batch commit, the spool replay of a file holding such a row commits the rest and
 * empties the spool, the row lands once in {@code ledger_dead_letter} with the reason, and the metric counts it.
 */
@QuarkusTest
class LedgerQuarantineTest {

    @Inject
    LedgerWriter writer;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "tokenledger.ledger.spool-dir")
    String spoolDir;

    @Test
    void aRefusedRowIsQuarantinedAndTheRestOfItsBatchCommits() throws Exception {
        double before = deadLetters();
        String tag = UUID.randomUUID().toString();
        List<CompletableFuture<Durability>> durable = new ArrayList<>();
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "quarantine-" + tag + "-" + i;
            String user = i == 7 ? "x\u0000y" : "tenant-" + (i % 3);
            if (i != 7) {
                good.add(id);
            }
            durable.add(writer.record(record(id, user)).toCompletableFuture());
        }
        for (CompletableFuture<Durability> d : durable) {
            d.get(20, TimeUnit.SECONDS); // every answer completes: none waits on the bad row
        }
        for (String id : good) {
            assertEquals(1, count("SELECT count(*) FROM usage_event WHERE request_id = ?", id), id);
        }
        String bad = "quarantine-" + tag + "-7";
        assertEquals(0, count("SELECT count(*) FROM usage_event WHERE request_id = ?", bad));
        assertEquals(1, count("SELECT count(*) FROM ledger_dead_letter WHERE request_id = ? AND sqlstate LIKE '22%' "
                + "AND row_json LIKE '%x\\\\u0000y%'", bad));
        assertEquals(before + 1, deadLetters(), "the metric counts the quarantined row");
        assertEquals(0, writer.spooledRows(), "nothing went to the spool: the database was there all along");
    }

    @Test
    void aSpoolWithARefusedRowIsReplayedAndEmptied() throws Exception {
        String tag = UUID.randomUUID().toString();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String json = DurableLedger.ledgerRowJson("replayed-" + tag + "-" + i, 10 + i, 1);
            if (i == 4) {
                json = json.replace("\"key:left-behind\"", "\"key:\\u0000left-behind\"");
            }
            rows.add(json);
        }
        Path dir = Path.of(spoolDir);
        Files.createDirectories(dir);
        Path file = dir.resolve("gone-process." + System.currentTimeMillis() + "-1.replay");
        DurableLedger.writeSpoolFile(file, rows);
        // twice: a replay that quarantined the row and then lost its commit replays it again, quarantined once
        Path again = dir.resolve("gone-process." + System.currentTimeMillis() + "-2.replay");
        DurableLedger.writeSpoolFile(again, List.of(rows.get(4)));
        waitFor("the spool to be replayed", () -> !Files.exists(file) && !Files.exists(again));
        for (int i = 0; i < 9; i++) {
            assertEquals(i == 4 ? 0 : 1, count("SELECT count(*) FROM usage_event WHERE request_id = ?",
                    "replayed-" + tag + "-" + i), "row " + i);
        }
        assertEquals(1, count("SELECT count(*) FROM ledger_dead_letter WHERE request_id = ?", "replayed-" + tag + "-4"));
        waitFor("the spool to be empty", () -> writer.spooledRows() == 0);
    }

    private double deadLetters() {
        var counter = registry.find("tokenledger.ledger.dead.letters").counter();
        return counter == null ? 0 : counter.count();
    }

    static UsageRecord record(String id, String user) {
        Principal p = new Principal("key:quarantine", false, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                List.of());
        return UsageRecord.builder(id, Instant.now(), p).request("openai", "gpt-test", "chat", user)
                .upstream("mock", "openai", "gpt-4o-mini").outcome(UsageRecord.Outcome.OK, null)
                .usage(new Usage(10, 0, 0, 2, 0, Usage.Source.PROVIDER), PricedUsage.UNPRICED).timing(false, 1_000_000, -1)
                .build();
    }

    static long count(String sql, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "timed out waiting for " + what);
            Thread.sleep(100);
        }
        assertTrue(condition.getAsBoolean());
    }
}
