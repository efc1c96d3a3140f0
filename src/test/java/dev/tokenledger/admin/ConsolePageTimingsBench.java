package dev.tokenledger.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A benchmark, not a test: run by {@code bench/console-pages.sh} (skipped unless {@code -Dbench.console=true}). Seeds
 * the ledger of its own database with 1,000,000 rows over the last 30 days (one SQL statement, generate_series; the
 * rollups' triggers fill them as for any insert) plus 5 organizations, 50 teams and 500 keys, then times every console
 * page as the browser asks for it (loopback, signed in with the master key): one warm-up, then the median and the
 * slowest of 7. Writes the table to {@code target/console-page-timings.md}.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@EnabledIfSystemProperty(named = "bench.console", matches = "true")
class ConsolePageTimingsBench {

    static final int ROWS = 1_000_000;
    static final int RUNS = 7;

    @TestHTTPResource("/")
    URI base;

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    static Connection jdbc() throws SQLException {
        return DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "");
    }

    /** Seeds the ledger once (a database that already has the rows is reused). */
    static void seed() throws SQLException {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM usage_event WHERE subject = 'bench'")) {
                r.next();
                if (r.getLong(1) >= ROWS) {
                    return;
                }
            }
            long started = System.nanoTime();
            s.execute("INSERT INTO org (id, name) SELECT md5('bench-org-' || i)::uuid, 'bench-org-' || i "
                    + "FROM generate_series(0, 4) i ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO team (id, org_id, name) SELECT md5('bench-team-' || i)::uuid, "
                    + "md5('bench-org-' || (i % 5))::uuid, 'bench-team-' || i FROM generate_series(0, 49) i ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO api_key (id, team_id, name, key_hash, pepper_version, key_prefix, key_last4, status) "
                    + "SELECT md5('bench-key-' || i)::uuid, md5('bench-team-' || (i % 50))::uuid, 'bench-key-' || i, "
                    + "md5('bench-key-' || i) || md5('hash-' || i), 1, 'tl-bench', lpad(i::text, 4, '0'), 'active' "
                    + "FROM generate_series(0, 499) i ON CONFLICT DO NOTHING");
            // one row every ~2.6 s over the last 30 days; keys, models and outcomes spread evenly; two end users per key
            // (an end user belongs to one application's key, so to one team), two thirds of the rows naming one
            s.execute("INSERT INTO usage_event (request_id, created_at, org_id, team_id, key_id, subject, end_user, "
                    + "inbound_format, operation, requested_model, provider, provider_type, upstream_model, status, "
                    + "error_class, input_tokens, input_uncached, cache_read_tokens, cache_write_tokens, output_tokens, "
                    + "reasoning_tokens, usage_source, cost_exact, cost_micros, price_status, latency_ms, ttft_ms, streamed, "
                    + "cached) SELECT 'bench-' || i, now() - (i * interval '2592 milliseconds'), "
                    + "md5('bench-org-' || (i % 500 % 50 % 5))::uuid, md5('bench-team-' || (i % 500 % 50))::uuid, "
                    + "md5('bench-key-' || (i % 500))::uuid, 'bench', CASE WHEN i % 3 = 0 THEN NULL ELSE 'user-' || (i % 500) || '-' || (i / 500 % 2) END, "
                    + "'openai', 'chat', 'model-' || (i % 20), 'provider-' || (i % 5), 'openai', 'model-' || (i % 20), "
                    + "CASE WHEN i % 50 = 0 THEN 'upstream_error' ELSE 'ok' END, NULL, 500 + i % 1000, 500 + i % 1000, 0, 0, "
                    + "100 + i % 300, 0, 'provider', CASE WHEN i % 20 = 0 THEN NULL ELSE (i % 1000) * 0.000001 END, "
                    + "CASE WHEN i % 20 = 0 THEN NULL ELSE i % 1000 END, CASE WHEN i % 20 = 0 THEN 'unpriced' ELSE 'priced' END, "
                    + "200 + i % 3000, 50 + i % 700, i % 2 = 0, false FROM generate_series(1, " + ROWS + ") i "
                    + "ON CONFLICT DO NOTHING");
            s.execute("ANALYZE");
            System.out.printf("[bench] seeded %,d ledger rows in %,d ms%n", ROWS, (System.nanoTime() - started) / 1_000_000);
        }
    }

    String signIn() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("credential=" + OpenAiFixtures.MASTER)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, r.statusCode(), r.body());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    long[] time(String cookie, String path) throws IOException, InterruptedException {
        long[] millis = new long[RUNS];
        for (int i = -1; i < RUNS; i++) {
            long started = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Cookie", cookie).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            long took = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            if (i >= 0) {
                millis[i] = took;
            }
        }
        Arrays.sort(millis);
        return millis;
    }

    @Test
    void everyConsolePageOnAMillionRowLedger() throws Exception {
        seed();
        String cookie = signIn();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("spend (30 days by day, by model)", "/console/spend");
        pages.put("spend (30 days by month, by key)", "/console/spend?groupBy=key&interval=month");
        pages.put("spend (30 days by day, by end user)", "/console/spend?groupBy=end_user");
        pages.put("spend (today by hour, by team)", "/console/spend?groupBy=team&interval=hour&from=" + today + "&to=" + today);
        pages.put("keys (500)", "/console/keys");
        pages.put("limits", "/console/limits");
        pages.put("deployments (+ 24 h ledger traffic)", "/console/deployments");
        pages.put("prices", "/console/prices");
        pages.put("requests (newest 50)", "/console/requests");
        pages.put("requests (one model)", "/console/requests?model=model-7");
        pages.put("requests (one key)", "/console/requests?keyId=" + keyId(3));
        pages.put("request detail", "/console/requests/bench-424242");
        pages.put("audit", "/console/audit");
        List<String> lines = new ArrayList<>();
        double[] load = loadAverage();
        lines.add(String.format("Ledger: %,d rows over 30 days; load average %.2f / %.2f / %.2f on %d cores", ROWS,
                load[0], load[1], load[2], Runtime.getRuntime().availableProcessors()));
        lines.add("");
        lines.add("| page | median ms | slowest of " + RUNS + " ms |");
        lines.add("|---|---:|---:|");
        for (Map.Entry<String, String> page : pages.entrySet()) {
            long[] t = time(cookie, page.getValue());
            lines.add("| " + page.getKey() + " | " + t[RUNS / 2] + " | " + t[RUNS - 1] + " |");
        }
        String table = String.join("\n", lines);
        System.out.println("[bench] console page timings\n" + table);
        Path out = Path.of("target/console-page-timings.md");
        Files.writeString(out, table + "\n");
        assertTrue(Files.size(out) > 0);
    }

    static String keyId(int i) throws SQLException {
        try (Connection c = jdbc();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT md5('bench-key-" + i + "')::uuid")) {
            r.next();
            return r.getString(1);
        }
    }

    static double[] loadAverage() throws IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
        return new double[]{Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
    }
}
