package dev.tokenledger.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenledger.testing.DribbleUpstream;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.PackagedGateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM on the packaged gateway: the stream in flight completes, a new request is refused, the process exits. SIGKILL
 * under load: every answered request is in the ledger exactly once after a restart on the same spool, the rows still
 * in the write-ahead log at the kill included.
 */
class GracefulShutdownIT {

    DribbleUpstream upstream;
    Process gateway;
    int port;
    Path log;

    Path spool;
    /** Environment of the next launch beyond the common one. */
    final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        upstream = new DribbleUpstream();
        upstream.start();
        spool = Files.createTempDirectory("spool");
    }

    /** Starts the packaged gateway on a fresh port and waits until it is ready. */
    Process launch() throws Exception {
        port = freePort();
        log = Files.createTempFile("gateway", ".log");
        ProcessBuilder builder = new ProcessBuilder(PackagedGateway.command()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));
        builder.environment().put("TOKENLEDGER_MASTER_KEY", OpenAiFixtures.MASTER);
        builder.environment().put("OPENAI_BASE_URL", "http://127.0.0.1:" + upstream.port() + "/v1");
        builder.environment().put("QUARKUS_SHUTDOWN_TIMEOUT", "20s");
        builder.environment().put("QUARKUS_DATASOURCE_REACTIVE_URL", dev.tokenledger.testing.TestDb.REACTIVE_URL);
        builder.environment().put("QUARKUS_DATASOURCE_JDBC_URL", dev.tokenledger.testing.TestDb.JDBC_URL);
        builder.environment().put("QUARKUS_REDIS_HOSTS", dev.tokenledger.testing.TestDb.REDIS_URL);
        builder.environment().put("TOKENLEDGER_LEDGER_SPOOL_DIR", spool.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        HttpClient client = HttpClient.newHttpClient();
        // a start on a machine busy with builds can take a minute or more
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("gateway did not become ready:\n" + Files.readString(log));
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        upstream.stop();
    }

    @Test
    void inFlightStreamCompletesNewRequestsAreRefusedAndTheProcessExits() throws Exception {
        gateway = launch();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest streamRequest = chat("{\"model\":\"ticks-40\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        HttpResponse<InputStream> stream = client.send(streamRequest, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        String requestId = stream.headers().firstValue("x-request-id").orElseThrow();
        InputStream body = stream.body();
        byte[] first = new byte[64];
        assertTrue(body.read(first) > 0, "the stream started");
        CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "FAILED: " + e;
            }
        });

        gateway.destroy(); // SIGTERM
        Thread.sleep(500);

        boolean refused;
        try {
            int status = client.send(chat("{\"model\":\"ticks-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            refused = status == 503;
        } catch (IOException e) {
            refused = true; // no longer accepting connections
        }
        assertTrue(refused, "a request arriving after SIGTERM must be refused");

        String remainder = rest.get(20, TimeUnit.SECONDS);
        assertTrue(remainder.endsWith("data: [DONE]\n\n"), "the in-flight stream must complete:\n" + remainder);
        assertTrue(gateway.waitFor(20, TimeUnit.SECONDS), "the gateway must exit once drained");

        // the row was written before exit or spooled; a restart on the same spool replays it: either way, once
        gateway = launch();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int rows = 0;
        while (System.nanoTime() < deadline && (rows = ledgerRows(requestId)) == 0) {
            Thread.sleep(100);
        }
        assertEquals(1, rows, "the in-flight request is in the ledger exactly once");
        Thread.sleep(2500); // one more replay period: nothing is written twice
        assertEquals(1, ledgerRows(requestId));
    }

    @Test
    void aKilledGatewayLosesNoAnsweredRequest() throws Exception {
        // batches leave every 30 s: the rows answered before the kill are in the write-ahead log only
        environment.put("TOKENLEDGER_LEDGER_WRITE_AHEAD_INTERVAL", "30s");
        gateway = launch();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        Semaphore inFlight = new Semaphore(16);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (int i = 0; answered.size() < 40 && System.nanoTime() < until; i++) {
            inFlight.acquire();
            calls.add(client.sendAsync(chat("{\"model\":\"ticks-2\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"Hi " + i + "\"}]}"), HttpResponse.BodyHandlers.ofString()).thenAccept(answer -> {
                        if (answer.statusCode() == 200 && answer.body().endsWith("data: [DONE]\n\n")) {
                            answered.add(answer.headers().firstValue("x-request-id").orElseThrow());
                        }
                    }).whenComplete((v, e) -> inFlight.release()));
        }
        gateway.destroyForcibly(); // SIGKILL: no shutdown of any kind
        assertTrue(gateway.waitFor(20, TimeUnit.SECONDS), "the gateway was killed");
        CompletableFuture.allOf(calls.stream().map(c -> c.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .get(30, TimeUnit.SECONDS);
        Set<String> served = Set.copyOf(answered);
        int inLedgerAtKill = 0;
        for (String id : served) {
            inLedgerAtKill += ledgerRows(id);
        }
        assertTrue(served.size() >= 20, "answers before the kill: " + served.size());
        assertTrue(inLedgerAtKill < served.size(), "the rows in the log only are what this test is about: "
                + inLedgerAtKill + " of " + served.size() + " were in the ledger at the kill");

        environment.remove("TOKENLEDGER_LEDGER_WRITE_AHEAD_INTERVAL");
        gateway = launch(); // replays the killed process's log
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> missing = new ArrayList<>(served);
        while (System.nanoTime() < deadline && !missing.isEmpty()) {
            Thread.sleep(200);
            missing.removeIf(id -> {
                try {
                    return ledgerRows(id) > 0;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        assertEquals(List.of(), missing, "answered before the kill, not in the ledger after the restart");
        Thread.sleep(2500); // one more replay period: nothing is written twice
        for (String id : served) {
            assertEquals(1, ledgerRows(id), id);
        }
    }

    private static int ledgerRows(String requestId) throws java.sql.SQLException {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(dev.tokenledger.testing.TestDb.JDBC_URL,
                "postgres", "");
                java.sql.PreparedStatement q = db.prepareStatement(
                        "SELECT count(*) FROM usage_event WHERE request_id = ? AND status = 'ok' AND output_tokens > 0")) {
            q.setString(1, requestId);
            try (java.sql.ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private HttpRequest chat(String json) {
        return HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + OpenAiFixtures.MASTER)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
