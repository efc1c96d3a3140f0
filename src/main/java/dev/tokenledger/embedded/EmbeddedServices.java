package dev.tokenledger.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Application;

/**
 * The PostgreSQL and Redis this process started for itself because none were configured (single-node mode), with the
 * configuration that points the gateway at them. One set per process: they are stopped by a shutdown hook once the
 * gateway has stopped (its last ledger writes included), or when start-up fails.
 */
public final class EmbeddedServices {

    /** Longest wait for the gateway to stop before the services are stopped anyway. */
    private static final long STOP_WAIT_SECONDS = 90;

    private static EmbeddedServices current;

    private final Path dataDir;
    private final LocalPostgres postgres;
    private final LocalRedis redis;
    private final String redisPassword;
    private final long startMillis;

    private EmbeddedServices(Path dataDir, LocalPostgres postgres, LocalRedis redis, String redisPassword,
            long startMillis) {
        this.dataDir = dataDir;
        this.postgres = postgres;
        this.redis = redis;
        this.redisPassword = redisPassword;
        this.startMillis = startMillis;
    }

    /** The services this process runs, if it runs any. */
    public static synchronized Optional<EmbeddedServices> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Starts what is asked for (once per process: a second call answers the running services) under this data
     * directory: PostgreSQL in {@code <dataDir>/postgres}, Redis (in memory) working in {@code <dataDir>/redis}.
     */
    static synchronized EmbeddedServices start(Path dataDir, boolean withPostgres, boolean withRedis) {
        if (current != null) {
            return current;
        }
        long start = System.nanoTime();
        Path dir = dataDir.toAbsolutePath().normalize();
        LocalPostgres postgres = null;
        LocalRedis redis = null;
        String password = withRedis ? HexFormat.of().formatHex(new SecureRandom().generateSeed(16)) : null;
        try {
            if (withPostgres) {
                postgres = LocalPostgres.start(dir.resolve("postgres"));
            }
            if (withRedis) {
                redis = LocalRedis.start(dir.resolve("redis"), password);
            }
        } catch (IOException | RuntimeException e) {
            stopQuietly(redis, postgres);
            throw new IllegalStateException("could not start the embedded services in " + dir + ": " + e.getMessage(),
                    e);
        }
        current = new EmbeddedServices(dir, postgres, redis, password,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedServices::stopAfterGateway, "embedded-services-stop"));
        return current;
    }

    /** The configuration that points the gateway at the services started here. */
    Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        if (postgres != null) {
            config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + postgres.port() + "/postgres");
            config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres");
            config.put("quarkus.datasource.username", "postgres");
        }
        if (redis != null) {
            config.put("quarkus.redis.hosts", "redis://:" + redisPassword + "@127.0.0.1:" + redis.port() + "/0");
        }
        return config;
    }

    /** What runs embedded, e.g. {@code [PostgreSQL, Redis]}. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        if (postgres != null) {
            names.add("PostgreSQL (port " + postgres.port() + ", data in " + postgres.directory() + ")");
        }
        if (redis != null) {
            names.add("Redis (port " + redis.port() + ", in memory)");
        }
        return names;
    }

    /** Whether Redis runs embedded: the gateway is then a single node. */
    public boolean singleNode() {
        return redis != null;
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** How long starting the services took. */
    public long startMillis() {
        return startMillis;
    }

    private static void stopAfterGateway() {
        Application app = Application.currentApplication();
        if (app != null) {
            try {
                CompletableFuture.runAsync(app::awaitShutdown).get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                Log.warnf("The gateway did not stop within %d s; stopping the embedded services anyway",
                        STOP_WAIT_SECONDS);
            }
        }
        EmbeddedServices services = current().orElse(null);
        if (services != null) {
            stopQuietly(services.redis, services.postgres);
        }
    }

    private static void stopQuietly(LocalRedis redis, LocalPostgres postgres) {
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
