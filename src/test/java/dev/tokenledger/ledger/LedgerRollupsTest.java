package dev.tokenledger.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.TestDb;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The daily rollups follow the ledger exactly, whoever writes it: a batch of the gateway's counts the rows it wrote
 * once (a replayed batch, its request ids already written, adds nothing; a batch of old and new rows adds the new
 * ones), and a row inserted by any other session (by hand, or by a tool) is counted once too.
 */
@QuarkusTest
class LedgerRollupsTest {

    @Inject
    LedgerInserts inserts;

    @Test
    void aReplayedBatchAddsNothingToTheRollupsAndNewRowsAreCountedOnce() throws Exception {
        UUID key = UUID.randomUUID();
        List<LedgerRow> first = rows(key, "first", 12);
        inserts.insert(first).await().atMost(Duration.ofSeconds(10));
        assertRollupsMatchTheLedger(key, 12);

        // the same batch again (a replay of rows already written), then the same ids with four new rows
        inserts.insert(first).await().atMost(Duration.ofSeconds(10));
        assertRollupsMatchTheLedger(key, 12);
        List<LedgerRow> mixed = new ArrayList<>(first.subList(0, 6));
        mixed.addAll(rows(key, "second", 4));
        inserts.insert(mixed).await().atMost(Duration.ofSeconds(10));
        assertRollupsMatchTheLedger(key, 16);
    }

    @Test
    void aRowInsertedByAnotherWriterIsCountedOnce() throws Exception {
        UUID key = UUID.randomUUID();
        inserts.insert(rows(key, "gateway", 3)).await().atMost(Duration.ofSeconds(10));
        try (Connection c = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement s = c.prepareStatement("INSERT INTO usage_event (request_id, created_at, org_id, "
                        + "team_id, key_id, subject, end_user, inbound_format, operation, requested_model, provider, "
                        + "status, input_tokens, input_uncached, cache_read_tokens, cache_write_tokens, output_tokens, "
                        + "reasoning_tokens, usage_source, cost_exact, price_status, latency_ms, streamed, credential_id) "
                        + "VALUES (?, now(), ?, ?, ?, 'key:rollups', 'user-1', 'openai', 'chat', 'gpt-rollup', 'mock', "
                        + "'ok', 100, 100, 0, 0, 10, 0, 'provider', 0.000123456789, 'priced', 5, false, 'cred-a')")) {
            s.setString(1, "by-hand-" + key);
            s.setObject(2, ORG);
            s.setObject(3, TEAM);
            s.setObject(4, key);
            assertEquals(1, s.executeUpdate());
        }
        assertRollupsMatchTheLedger(key, 4);
        // and the gateway's next batch in the same rollup rows still counts once
        inserts.insert(rows(key, "after", 2)).await().atMost(Duration.ofSeconds(10));
        assertRollupsMatchTheLedger(key, 6);
    }

    private static final UUID ORG = UUID.randomUUID();
    private static final UUID TEAM = UUID.randomUUID();

    /**
     * Rows of one key over two credentials and two days, some naming an end user (one row without), one unpriced.
     */
    private static List<LedgerRow> rows(UUID key, String tag, int n) {
        List<LedgerRow> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            boolean priced = i % 5 != 4;
            rows.add(new LedgerRow(tag + "-" + key + "-" + i, i % 2 == 0 ? now : now.minus(Duration.ofDays(1)), ORG,
                    TEAM, key, "key:rollups", i % 3 == 0 ? null : "user-" + i % 2, "openai", "chat", "gpt-rollup",
                    "mock", "openai", "gpt-rollup-1", "ok", null, 100 + i, 90 + i, 10, 0, 20 + i, i, "provider",
                    priced ? new BigDecimal("0.000123456789").multiply(BigDecimal.valueOf(i + 1)) : null,
                    priced ? 123L * (i + 1) : null, priced ? "priced" : "unpriced", null, 5, null, false, false, null,
                    null, null, null, null, null, null, "cred-" + (i % 2 == 0 ? "a" : "b"), null));
        }
        return rows;
    }

    /** Both rollups of the key hold exactly the sums of its ledger rows, which are {@code rows} in all. */
    private static void assertRollupsMatchTheLedger(UUID key, long rows) throws Exception {
        assertEquals(rows, LedgerQuarantineTest.count("SELECT count(*) FROM usage_event WHERE key_id = ?::uuid",
                key.toString()), "ledger rows");
        String sums = "count(*) n, sum(input_tokens) i, sum(cache_read_tokens) c, sum(output_tokens) o, "
                + "sum(reasoning_tokens) r, sum(cost_exact)::numeric(30, 12) e, "
                + "count(*) FILTER (WHERE price_status = 'unpriced') u";
        assertEquals(
                rows("d, credential_id, n, i, c, o, r, e, u", "(SELECT (created_at AT TIME ZONE 'UTC')::date d, "
                        + "credential_id, " + sums + " FROM usage_event WHERE key_id = ? GROUP BY 1, 2) x",
                        "d, credential_id", key),
                rows("day, credential_id, requests, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens, "
                        + "cost_exact, unpriced", "usage_daily WHERE key_id = ?", "day, credential_id", key),
                "usage_daily against the ledger");
        // the end-user rollup has no key column: the team's rows are all this test's
        assertEquals(
                rows("d, end_user, n, i, c, o, r, e, u", "(SELECT (created_at AT TIME ZONE 'UTC')::date d, end_user, "
                        + sums + " FROM usage_event WHERE team_id = ? AND end_user IS NOT NULL GROUP BY 1, 2) x",
                        "d, end_user", TEAM),
                rows("day, end_user, requests, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens, "
                        + "cost_exact, unpriced", "usage_daily_end_user WHERE team_id = ?", "day, end_user", TEAM),
                "usage_daily_end_user against the ledger");
    }

    /** The rows of {@code from} (with one parameter), as one string: {@code columns} joined by '|', rows by ';'. */
    private static String rows(String columns, String from, String order, UUID arg) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement s = c.prepareStatement("SELECT string_agg(concat_ws('|', " + columns
                        + "), ';' ORDER BY " + order + ") FROM " + from)) {
            s.setObject(1, arg);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }
}
