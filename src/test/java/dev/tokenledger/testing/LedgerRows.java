package dev.tokenledger.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request's ledger row read straight from the test database ({@code usage_event}), for tests that check what was
 * billed. Rows are written in batches a few milliseconds after the answer, so {@link #await} polls.
 */
public final class LedgerRows {

    private LedgerRows() {
    }

    /**
     * The request's row once written (up to 5 s), as column name to JDBC value ({@code key_id}, {@code price_provider},
     * {@code cost_micros}, …; {@code created_at} as ISO-8601 UTC text).
     */
    public static Map<String, Object> await(String requestId) throws SQLException, InterruptedException {
        assertNotNull(requestId, "x-request-id");
        for (int i = 0; i < 200; i++) {
            Map<String, Object> row = find(requestId);
            if (row != null) {
                return row;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no ledger row for " + requestId);
    }

    /** The request's row as it is now, or null. */
    public static Map<String, Object> find(String requestId) throws SQLException {
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = db.prepareStatement("SELECT *, to_char(created_at AT TIME ZONE 'UTC', "
                        + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_at_utc FROM usage_event WHERE request_id = ?")) {
            q.setString(1, requestId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, Object> row = new HashMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    row.put(meta.getColumnLabel(c), rs.getObject(c));
                }
                row.put("created_at", row.remove("created_at_utc"));
                return row;
            }
        }
    }

    /** How many rows the request has now. */
    public static int count(String requestId) throws SQLException {
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = db.prepareStatement("SELECT count(*) FROM usage_event WHERE request_id = ?")) {
            q.setString(1, requestId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * {@code columns} of the request's row in the ledger of the database at {@code jdbcUrl}, as JDBC values (a
     * {@code TEXT} as a String, a {@code BIGINT} as a Long); fails when the request has no row.
     */
    public static List<Object> columns(String jdbcUrl, String requestId, String... columns) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement q = db.prepareStatement(
                        "SELECT " + String.join(", ", columns) + " FROM usage_event WHERE request_id = ?")) {
            q.setString(1, requestId);
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next(), "a ledger row for " + requestId);
                List<Object> values = new ArrayList<>();
                for (int c = 1; c <= columns.length; c++) {
                    values.add(rs.getObject(c));
                }
                return values;
            }
        }
    }

    /** A numeric column as a long (0 when null). */
    public static long longOf(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
