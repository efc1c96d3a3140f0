package dev.tokenledger.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.PackagedGateway;
import dev.tokenledger.testing.UpstreamConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's run command on a fresh machine: the packaged gateway in the {@code local} profile with no datasource
 * and no Redis configured starts an embedded PostgreSQL (data in {@code ./data}) and Redis, answers and prices a chat
 * request, and keeps the ledger across a restart; it leaves no server process behind, neither after SIGTERM nor, once
 * started again, after being killed.
 */
class EmbeddedRunIT {

    /** Fixed ports of this test's gateway (API, management). */
    private static final int PORT = 21510;
    private static final int MANAGEMENT_PORT = 21511;

    @TempDir
    Path work;

    private WireMockServer upstream;
    private Process gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy();
            gateway.waitFor(60, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.stop();
        }
    }

    @Test
    void freshDataDirAnswersPricesKeepsTheLedgerAndLeavesNoServerBehind() throws Exception {
        assumeFalse(PackagedGateway.isNative(), "the native executable never embeds (theNativeExecutableNeverEmbeds)");
        upstream = UpstreamConfig.completing(0, OpenAiFixtures.COMPLETION);
        Path data = work.resolve("data");

        long started = System.nanoTime();
        gateway = launch();
        System.out.printf("[embedded] first start (unpack, initdb, migrations) ready in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertTrue(log().contains("Embedded services"), "the banner says what is embedded:\n" + log());
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + OpenAiFixtures.MASTER).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
        assertEquals(200, answer.statusCode(), answer.body());
        String requestId = answer.headers().firstValue("x-request-id").orElseThrow();
        JsonNode row = ledgerRow(requestId);
        assertEquals(19, row.get("inputTokens").asLong(), row.toString());
        assertTrue(row.get("costMicros").asLong() > 0, "the request is priced: " + row);

        terminate();
        assertNoServerOf(data);

        started = System.nanoTime();
        gateway = launch();
        System.out.printf("[embedded] restart ready in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertEquals(row, ledgerRow(requestId), "the ledger row survives a restart");

        // killed without a chance to stop its servers: the next start stops what it left running
        gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        gateway = launch();
        assertEquals(row, ledgerRow(requestId));
        terminate();
        assertNoServerOf(data);
    }

    @Test
    void prodProfileNeverEmbedsAndNamesWhatIsMissing() throws Exception {
        String out = failedStart(Map.of());
        assertTrue(out.contains("Neither a PostgreSQL datasource (quarkus.datasource.reactive.url) nor Redis "
                + "(quarkus.redis.hosts) is configured") && out.contains("QUARKUS_DATASOURCE_REACTIVE_URL"), out);
        assertFalse(Files.exists(work.resolve("data")), "nothing was embedded");
    }

    @Test
    void singleNodeModeRefusesSettingsForSeveralReplicas() throws Exception {
        assumeFalse(PackagedGateway.isNative(), "the native executable never embeds (theNativeExecutableNeverEmbeds)");
        String out = failedStart(Map.of("QUARKUS_PROFILE", "local", "TOKENLEDGER_ADMISSION_EXPECTED_REPLICAS", "3"));
        assertTrue(out.contains("tokenledger.admission.expected-replicas=3 needs a Redis shared by the replicas"),
                out);
        assertFalse(Files.exists(work.resolve("data")), "nothing was started before the refusal");
    }

    @Test
    void theNativeExecutableNeverEmbeds() throws Exception {
        assumeTrue(PackagedGateway.isNative(), "the jar embeds in the local profile (the tests above)");
        String out = failedStart(Map.of("QUARKUS_PROFILE", "local"));
        assertTrue(out.contains("The native executable never starts embedded services"), out);
        assertFalse(Files.exists(work.resolve("data")), "nothing was embedded");
    }

    /** Starts the packaged gateway with no services configured and this environment; answers what it printed. */
    private String failedStart(Map<String, String> extra) throws Exception {
        ProcessBuilder builder = gatewayProcess();
        builder.environment().remove("QUARKUS_PROFILE");
        builder.environment().putAll(extra);
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "start-up fails instead of waiting for services");
        assertTrue(process.exitValue() != 0, "the exit status says start-up failed");
        return log();
    }

    private Process launch() throws Exception {
        Process process = gatewayProcess().start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the gateway did not become ready:\n" + log());
    }

    /** The packaged gateway in the local profile, in the work directory, with nothing but a fake upstream set. */
    private ProcessBuilder gatewayProcess() {
        Path log = work.resolve("gateway.log");
        ProcessBuilder builder = new ProcessBuilder(PackagedGateway.command(Map.of())).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("TOKENLEDGER_"));
        env.put("QUARKUS_PROFILE", "local");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(PORT));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(MANAGEMENT_PORT));
        env.put("TOKENLEDGER_MASTER_KEY", OpenAiFixtures.MASTER);
        env.put("TOKENLEDGER_KEYS_PEPPER", "embedded-run-pepper");
        env.put("OPENAI_API_KEY", "sk-test");
        env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + (upstream == null ? 9 : upstream.port()) + "/v1");
        return builder;
    }

    private void terminate() throws Exception {
        gateway.destroy(); // SIGTERM
        assertTrue(gateway.waitFor(120, TimeUnit.SECONDS), "the gateway exits on SIGTERM:\n" + log());
    }

    private JsonNode ledgerRow(String requestId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HttpResponse<String> response;
        do {
            response = send(HttpRequest.newBuilder(URI.create(base() + "/admin/v1/ledger/" + requestId))
                    .header("Authorization", "Bearer " + OpenAiFixtures.MASTER));
            if (response.statusCode() == 200) {
                return Golden.tree(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no ledger row for " + requestId + ": " + response.statusCode() + " "
                + response.body());
    }

    /** No process runs a server binary from, or over, the data directory. */
    private static void assertNoServerOf(Path data) {
        String dir = data.toAbsolutePath().toString();
        List<String> left = ProcessHandle.allProcesses().filter(p -> {
            ProcessHandle.Info info = p.info();
            return info.command().orElse("").startsWith(dir)
                    || info.arguments().map(args -> List.of(args).stream().anyMatch(a -> a.contains(dir)))
                            .orElse(false);
        }).map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        assertEquals(List.of(), left, "no embedded server outlives the gateway");
    }

    private String log() throws IOException {
        return Files.readString(work.resolve("gateway.log"));
    }

    private static String base() {
        return "http://127.0.0.1:" + PORT;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
