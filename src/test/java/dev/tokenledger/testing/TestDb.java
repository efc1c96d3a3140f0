package dev.tokenledger.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL database and Redis database index the tests use. Both default to what CI uses ({@code test} and 0);
 * {@code TOKENLEDGER_TEST_DB} and {@code TOKENLEDGER_TEST_REDIS_DB} let two test runs on one machine stay apart, since
 * every Quarkus test start cleans its database.
 */
public final class TestDb {

    public static final String NAME = env("TOKENLEDGER_TEST_DB", "test");
    public static final String REDIS_DB = env("TOKENLEDGER_TEST_REDIS_DB", "0");
    public static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/" + NAME;
    public static final String REACTIVE_URL = "postgresql://127.0.0.1:5432/" + NAME;
    public static final String REDIS_URL = "redis://127.0.0.1:6379/" + REDIS_DB;

    private TestDb() {
    }

    /**
     * Runs a command with {@code redis-cli} straight on the test Redis database (past any proxy in front of it) and
     * answers its output; fails if the command fails.
     */
    public static String redisCli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-n", REDIS_DB));
        command.addAll(List.of(args));
        Process cli = new ProcessBuilder(command).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (cli.waitFor() != 0) {
            throw new IllegalStateException("redis-cli " + args[0] + " failed: " + out);
        }
        return out;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
