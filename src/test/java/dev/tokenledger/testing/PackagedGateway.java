package dev.tokenledger.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * How the integration tests that start gateway processes of their own start the artifact this build packaged: the
 * native executable after {@code -Dnative}, the fast-jar otherwise. Like {@code @QuarkusIntegrationTest}, it goes by
 * {@code target/quarkus-artifact.properties}, which the last package step wrote, so an executable left in
 * {@code target/} by an earlier native build is not mistaken for this build's artifact.
 */
public final class PackagedGateway {

    private static final Path TARGET = Path.of("target");

    private PackagedGateway() {
    }

    /** Whether the packaged artifact is the native executable. */
    public static boolean isNative() {
        return "native".equals(artifact().getProperty("type"));
    }

    /** The command line that starts the packaged gateway with these system properties. */
    public static List<String> command(Map<String, String> systemProperties) {
        Properties artifact = artifact();
        String type = artifact.getProperty("type", "");
        String path = artifact.getProperty("path", "");
        List<String> command = new ArrayList<>();
        if (type.equals("native")) {
            command.add(TARGET.resolve(path).toAbsolutePath().toString());
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        } else if (type.equals("jar")) {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-jar", TARGET.resolve(path).toAbsolutePath().toString()));
        } else {
            throw new IllegalStateException("unknown packaged artifact type '" + type + "' in "
                    + TARGET.resolve("quarkus-artifact.properties"));
        }
        return command;
    }

    /** The command line that starts the packaged gateway. */
    public static List<String> command() {
        return command(Map.of());
    }

    /**
     * Starts the packaged gateway as one replica of several on this build's test database and Redis: fresh API and
     * management ports, the test master key and key pepper, {@code upstreamBaseUrl} as the OpenAI base URL, its own
     * ledger spool, and a Redis timeout long enough that a process starved by a busy machine does not fall back to
     * the local limiter (which admits each replica its share). {@code environment} adds to or overrides that
     * environment; {@code systemProperties} go on the command line. It does not wait: {@link Replica#awaitReady()}.
     */
    public static Replica replica(String upstreamBaseUrl, Path spool, Map<String, String> environment,
            Map<String, String> systemProperties) throws IOException {
        int port = freePort();
        int management = freePort();
        Path log = Files.createTempFile("replica-" + port, ".log");
        ProcessBuilder builder = new ProcessBuilder(command(systemProperties)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
        env.put("TOKENLEDGER_MASTER_KEY", OpenAiFixtures.MASTER);
        env.put("TOKENLEDGER_KEYS_PEPPER", "tl-test-key-pepper");
        env.put("OPENAI_BASE_URL", upstreamBaseUrl + "/v1");
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", TestDb.REACTIVE_URL);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", TestDb.JDBC_URL);
        env.put("QUARKUS_REDIS_HOSTS", TestDb.REDIS_URL);
        env.put("TOKENLEDGER_LEDGER_SPOOL_DIR", spool.toString());
        env.put("TOKENLEDGER_ADMISSION_REDIS_TIMEOUT", "30s");
        env.putAll(environment);
        return new Replica(builder.start(), port, management, log);
    }

    /** A free TCP port on this machine (free when asked; nothing reserves it). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A gateway process {@link #replica started} by a test, with its ports and the file its output goes to. */
    public record Replica(Process process, int port, int managementPort, Path log) {

        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        /**
         * Waits until the replica answers ready, for up to two minutes (a JVM start on a busy machine; system property
         * {@code tokenledger.it.ready-seconds} to wait longer); fails with the replica's output if it exits or does
         * not get ready.
         */
        public void awaitReady() throws IOException, InterruptedException {
            long deadline = System.nanoTime()
                    + TimeUnit.SECONDS.toNanos(Long.getLong("tokenledger.it.ready-seconds", 120));
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("gateway on port " + port + (process.isAlive()
                    ? " did not become ready"
                    : " exited with " + process.exitValue()) + ":\n" + Files.readString(log));
        }

        /** Kills the replica (no drain) and waits for it to exit. */
        public void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Properties artifact() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(TARGET.resolve("quarkus-artifact.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("no packaged artifact: run the package phase first", e);
        }
        return properties;
    }
}
