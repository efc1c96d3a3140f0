package dev.tokenledger.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.PackagedGateway;
import dev.tokenledger.testing.TestDb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged gateway processes on one Redis: what replica 1 learns about a failing deployment (it answered 401),
 * replica 2 knows without calling it; an admin call on replica 2 ends the cooldown for replica 1 too.
 */
class SharedCooldownIT {

    /** Fresh deployment names each run: cooldowns of earlier runs may still be in Redis. */
    static final String RUN = Long.toString(System.nanoTime(), 36);
    static final String PRIMARY = "primary-" + RUN;
    static final String BACKUP = "backup-" + RUN;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Process> replicas = new ArrayList<>();
    WireMockServer upstream;

    @BeforeEach
    void start() {
        upstream = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        upstream.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : replicas) {
            p.destroyForcibly().waitFor();
        }
        upstream.stop();
    }

    @Test
    void replicasShareCooldowns() throws Exception {
        int port1 = freePort();
        int port2 = freePort();
        Process one = launch(port1);
        Process two = launch(port2);
        awaitReady(one, port1);
        awaitReady(two, port2);
        stub(PRIMARY, aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"bad key\",\"type\":\"auth\"}}"));
        stub(BACKUP, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.COMPLETION));

        assertEquals(200, chat(port1).statusCode());
        assertEquals(1, calls(PRIMARY), "replica 1 learnt that the primary fails");

        assertEquals(200, chat(port2).statusCode());
        assertEquals(1, calls(PRIMARY), "replica 2 skipped the primary without calling it");
        assertEquals(2, calls(BACKUP));
        String deployments = send(port2, HttpRequest.newBuilder(URI.create(base(port2) + "/admin/v1/deployments"))).body();
        assertTrue(deployments.contains("\"id\":\"up/" + PRIMARY + "\"") && deployments.contains("\"cooldownReason\":\"AUTH\""),
                deployments);

        stub(PRIMARY, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.COMPLETION));
        int cleared = send(port2, HttpRequest.newBuilder(URI.create(base(port2) + "/admin/v1/deployments/up/" + PRIMARY
                + "/cooldown")).DELETE()).statusCode();
        assertEquals(204, cleared);
        assertEquals(200, chat(port1).statusCode());
        assertEquals(2, calls(PRIMARY), "cleared on replica 2, replica 1 uses the primary again");
    }

    private Process launch(int port) throws IOException {
        Map<String, String> props = new TreeMap<>();
        props.put("quarkus.http.port", String.valueOf(port));
        props.put("quarkus.management.port", String.valueOf(freePort()));
        props.put("tokenledger.master-key", OpenAiFixtures.MASTER);
        props.put("quarkus.datasource.reactive.url", TestDb.REACTIVE_URL);
        props.put("quarkus.datasource.jdbc.url", TestDb.JDBC_URL);
        props.put("quarkus.redis.hosts", TestDb.REDIS_URL);
        props.put("tokenledger.ledger.spool-dir", Files.createTempDirectory("spool").toString());
        props.put("tokenledger.providers.up.type", "openai");
        props.put("tokenledger.providers.up.base-url", upstream.baseUrl() + "/v1");
        props.put("tokenledger.models.shared.deployments[0].provider", "up");
        props.put("tokenledger.models.shared.deployments[0].model", PRIMARY);
        props.put("tokenledger.models.shared.deployments[1].provider", "up");
        props.put("tokenledger.models.shared.deployments[1].model", BACKUP);
        props.put("tokenledger.models.shared.deployments[1].priority", "1");
        List<String> command = PackagedGateway.command(props);
        Path log = Files.createTempFile("replica-" + port, ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        replicas.add(process);
        return process;
    }

    private void awaitReady(Process process, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (send(port, HttpRequest.newBuilder(URI.create(base(port) + "/q/health/ready"))).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("replica on port " + port + " did not become ready");
    }

    private void stub(String model, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        upstream.stubFor(post("/v1/chat/completions").withRequestBody(matchingJsonPath("$.model", equalTo(model)))
                .willReturn(answer));
    }

    private int calls(String model) {
        return upstream.countRequestsMatching(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo(model))).build()).getCount();
    }

    private HttpResponse<String> chat(int port) throws Exception {
        return send(port, HttpRequest.newBuilder(URI.create(base(port) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"shared\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}]}")));
    }

    private HttpResponse<String> send(int port, HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + OpenAiFixtures.MASTER).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
