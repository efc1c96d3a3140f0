package dev.tokenledger.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import dev.tokenledger.embedded.LocalPostgres;
import dev.tokenledger.embedded.LocalRedis;

/**
 * The PostgreSQL and Redis the tests use, decided once per test JVM before any test starts: the local servers at
 * {@code 127.0.0.1:TOKENLEDGER_TEST_PG_PORT} (5432) and {@code :TOKENLEDGER_TEST_REDIS_PORT} (6379) when they answer,
 * as on CI; otherwise (or with {@code TOKENLEDGER_TEST_SERVICES=embedded}) the embedded servers the gateway itself
 * uses, started under {@code target/test-services} and stopped when the JVM exits. The chosen ports are published as
 * the system properties {@code tltest.pg-port} and {@code tltest.redis-port}, which the test profile's datasource and
 * Redis URLs read (a JVM-wide choice, whatever class loader asks).
 */
public final class TestServices implements LauncherSessionListener {

    static final String PG_PORT = "tltest.pg-port";
    static final String REDIS_PORT = "tltest.redis-port";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        resolve();
    }

    /** Decides (once per JVM) and answers nothing: read the ports from the system properties. */
    public static synchronized void resolve() {
        if (System.getProperty(PG_PORT) != null && System.getProperty(REDIS_PORT) != null) {
            return;
        }
        boolean embedded = "embedded".equalsIgnoreCase(env("TOKENLEDGER_TEST_SERVICES", "auto"));
        int pgPort = Integer.parseInt(env("TOKENLEDGER_TEST_PG_PORT", "5432"));
        int redisPort = Integer.parseInt(env("TOKENLEDGER_TEST_REDIS_PORT", "6379"));
        Path root = Path.of("target", "test-services").toAbsolutePath();
        Path dir = root.resolve(String.valueOf(ProcessHandle.current().pid()));
        try {
            stopLeftOvers(root);
            if (embedded || !answers(pgPort)) {
                pgPort = startPostgres(dir.resolve("postgres"));
            }
            if (embedded || !answers(redisPort)) {
                redisPort = startRedis(dir.resolve("redis"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded test services in " + dir, e);
        }
        System.setProperty(PG_PORT, String.valueOf(pgPort));
        System.setProperty(REDIS_PORT, String.valueOf(redisPort));
    }

    private static int startPostgres(Path dir) throws IOException {
        LocalPostgres postgres = LocalPostgres.start(dir);
        onExit(() -> {
            try {
                postgres.close();
            } catch (IOException e) {
                // the JVM is exiting
            }
            delete(dir.getParent());
        });
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres";
        try (Connection admin = DriverManager.getConnection(url, "postgres", "");
                var create = admin.createStatement()) {
            // what CI's PostgreSQL has: the test database (DurableLedger creates its own)
            create.execute("CREATE DATABASE \"" + env("TOKENLEDGER_TEST_DB", "test") + "\"");
        } catch (SQLException e) {
            throw new IOException("cannot create the test database", e);
        }
        System.out.println("[tests] no PostgreSQL answers locally: using an embedded one on port " + postgres.port());
        return postgres.port();
    }

    private static int startRedis(Path dir) throws IOException {
        LocalRedis redis = LocalRedis.start(dir, null);
        onExit(redis::close);
        System.out.println("[tests] no Redis answers locally: using an embedded one on port " + redis.port());
        return redis.port();
    }

    /** Servers of test JVMs that were killed: stopped, their directories removed. */
    private static void stopLeftOvers(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                boolean alive = name.matches("\\d+") && ProcessHandle.of(Long.parseLong(name)).isPresent();
                if (!alive) {
                    LocalPostgres.stopLeftOver(dir.resolve("postgres"));
                    LocalRedis.stopLeftOver(dir.resolve("redis"));
                    delete(dir);
                }
            }
        }
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void onExit(Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "test-services-stop"));
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left for the next clean
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
