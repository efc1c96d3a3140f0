package dev.tokenledger.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.tokenledger.json.Json;
import dev.tokenledger.ledger.LedgerRow;

/**
 * The gateway with its reactive datasource behind an in-process {@link TcpProxy} to PostgreSQL, so a test can cut the
 * database off mid-load without stopping it, and a fresh spool directory that already holds a row left by a previous
 * process when Quarkus starts. Flyway migrates over JDBC on the real port. The tables live in a database of their
 * own (the test database's name with {@code _durable} appended), created on first use: other Quarkus test runs on this
 * machine clean and migrate the test database at their start, which would drop the ledger under this test.
 */
public class DurableLedger extends Upstreams {

    public static final String DATABASE = TestDb.NAME + "_durable";
    public static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:" + TestDb.PG_PORT + "/" + DATABASE;
    /**
     * The spool file found at start, as left by a process that stopped while PostgreSQL was down: the active file of a
     * gone instance, holding one row, {@link #LEFT_BEHIND_ID}.
     */
    public static final String LEFT_BEHIND_FILE = "previous-process.1700000000000-1.spool";
    public static final String LEFT_BEHIND_ID = "durable-left-behind-0001";
    public static final long LEFT_BEHIND_INPUT = 111;
    public static final long LEFT_BEHIND_OUTPUT = 22;

    private static TcpProxy proxy;
    private static Path spoolDir;

    /** Runs the test class on {@link DurableLedger} alone (no other global test resource sets the datasource). */
    public static class Profile extends OwnResource {
        public Profile() {
            super(DurableLedger.class);
        }
    }

    public static TcpProxy proxy() {
        return proxy;
    }

    public static Path spoolDir() {
        return spoolDir;
    }

    /** A ledger row as the gateway spools it: LedgerRow serialized with the project's mapper. */
    public static String ledgerRowJson(String requestId, long inputTokens, long outputTokens) {
        LedgerRow row = new LedgerRow(requestId, Instant.parse("2026-01-02T03:04:05.123456Z"), UUID.randomUUID(),
                UUID.randomUUID(), UUID.randomUUID(), "key:left-behind", null, "openai", "chat", "gpt-test", "mock",
                "openai", "gpt-4o-mini-2024-07-18", "ok", null, inputTokens, inputTokens, 0, 0, outputTokens, 0,
                "provider", new BigDecimal("0.000123"), 123L, "priced", null, 42, 7L, true, false, null, null, null, null,
                null, null, null, null, null);
        try {
            return Json.MAPPER.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a ledger row cannot be written as JSON", e);
        }
    }

    public static Connection db() throws SQLException {
        return DriverManager.getConnection(JDBC_URL, "postgres", "");
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        try {
            createDatabase();
            proxy = new TcpProxy("127.0.0.1", TestDb.PG_PORT);
            spoolDir = Files.createTempDirectory("tokenledger-spool-");
            writeSpoolFile(spoolDir.resolve(LEFT_BEHIND_FILE),
                    List.of(ledgerRowJson(LEFT_BEHIND_ID, LEFT_BEHIND_INPUT, LEFT_BEHIND_OUTPUT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("database " + DATABASE + " cannot be created", e);
        }
        config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + proxy.port() + "/" + DATABASE);
        config.put("quarkus.datasource.jdbc.url", JDBC_URL);
        config.put("tokenledger.ledger.spool-dir", spoolDir.toString());
        // the cut must not outlive the key lookup cached before it: make the margin explicit
        config.put("tokenledger.keys.cache-ttl", "60s");
        // pooled connections are not kept for long, so each flush during the cut also tries to connect anew
        config.put("quarkus.datasource.reactive.idle-timeout", "2s");
        return config;
    }

    @Override
    public void stop() {
        super.stop();
        if (proxy != null) {
            proxy.close();
        }
        if (spoolDir != null) {
            try (Stream<Path> files = Files.walk(spoolDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir
            }
        }
    }

    private static void createDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + TestDb.PG_PORT + "/postgres",
                "postgres", "");
                var exists = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            if (exists.executeQuery().next()) {
                return;
            }
            try (var create = admin.createStatement()) {
                create.execute("CREATE DATABASE \"" + DATABASE + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e; // unless created concurrently by another run
                }
            }
        }
    }

    /**
     * Writes a complete spool file the way LedgerSpool does ({@code <crc32 of the UTF-8 json, 8 lowercase hex> <json>\n}
     * per row), under a temporary name first so that a running spool never sees it half-written.
     */
    public static void writeSpoolFile(Path file, List<String> jsonRows) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String json : jsonRows) {
            lines.add(spoolLine(json));
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, String.join("", lines), StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    public static String spoolLine(String json) {
        CRC32 crc = new CRC32();
        crc.update(json.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue()) + ' ' + json + '\n';
    }

    /** Complete lines in every spool and replay file of the spool directory. */
    public static long spooledLines() throws IOException {
        long lines = 0;
        for (Path file : spoolFiles()) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                for (byte b : bytes) {
                    lines += b == '\n' ? 1 : 0;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // replayed and deleted meanwhile
            }
        }
        return lines;
    }

    /** The spool and replay files in the spool directory. */
    public static List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(spoolDir)) {
            return files.filter(p -> p.toString().endsWith(".spool") || p.toString().endsWith(".replay")).sorted().toList();
        }
    }
}
