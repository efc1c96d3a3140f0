package dev.tokenledger.embedded;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.ImageMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Decides, while the run-time configuration is built, whether this process brings its own PostgreSQL and Redis. It
 * does when neither a datasource URL nor Redis hosts are configured, in any profile but {@code prod} (containers,
 * Kubernetes) and {@code test} (the test harness brings its services): the missing ones are started
 * ({@link EmbeddedServices}) and their addresses added as configuration. The {@code prod} profile never embeds and
 * fails start-up naming what is missing. Registered as a run-time source only (not safe for static init), so nothing
 * starts while a native image is built.
 */
public final class EmbeddedServicesFactory implements ConfigSourceFactory {

    /** Above application.yaml (250), below environment variables (300) and system properties (400). */
    static final int ORDINAL = 275;

    static final String DATA_DIR = "tokenledger.embedded.data-dir";
    static final String EXPECTED_REPLICAS = "tokenledger.admission.expected-replicas";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (Application.currentApplication() == null) {
            // the build reads the configuration too: only a starting application brings services
            return List.of();
        }
        boolean database = isSet(context, "quarkus.datasource.reactive.url")
                || isSet(context, "quarkus.datasource.jdbc.url");
        boolean redis = isSet(context, "quarkus.redis.hosts");
        List<String> profiles = context.getProfiles();
        if ((database && redis) || profiles.contains("test")) {
            return List.of();
        }
        if (profiles.contains("prod") || ImageMode.current() == ImageMode.NATIVE_RUN) {
            String who = ImageMode.current() == ImageMode.NATIVE_RUN
                    ? "The native executable"
                    : "The " + String.join(",", profiles) + " profile (containers, Kubernetes)";
            throw new IllegalStateException(missing(database, redis) + " configured. " + who
                    + " never starts embedded services: set "
                    + "QUARKUS_DATASOURCE_REACTIVE_URL, QUARKUS_DATASOURCE_JDBC_URL, QUARKUS_DATASOURCE_USERNAME, "
                    + "QUARKUS_DATASOURCE_PASSWORD and TOKENLEDGER_REDIS_URL (or QUARKUS_REDIS_HOSTS), or run the jar "
                    + "with QUARKUS_PROFILE=local to start them embedded (docs/embedded.md)");
        }
        if (!redis) {
            refuseReplicas(context);
        }
        ConfigValue dir = context.getValue(DATA_DIR);
        Path dataDir = Path.of(dir == null || dir.getValue() == null || dir.getValue().isBlank()
                ? "data"
                : dir.getValue());
        EmbeddedServices services = EmbeddedServices.start(dataDir, !database, !redis);
        return List.of(new MapBackedConfigSource("EmbeddedServices", services.config(), ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** Settings that need replicas sharing one Redis cannot hold with a Redis only this process can reach. */
    private static void refuseReplicas(ConfigSourceContext context) {
        ConfigValue replicas = context.getValue(EXPECTED_REPLICAS);
        String value = replicas == null ? null : replicas.getValue();
        if (value != null && !value.isBlank() && !value.trim().equals("1")) {
            throw new IllegalStateException(EXPECTED_REPLICAS + "=" + value.trim() + " needs a Redis shared by the "
                    + "replicas, but none is configured and the embedded one serves this process only (single-node "
                    + "mode): set TOKENLEDGER_REDIS_URL, or leave " + EXPECTED_REPLICAS + " at 1");
        }
    }

    private static String missing(boolean database, boolean redis) {
        if (!database && !redis) {
            return "Neither a PostgreSQL datasource (quarkus.datasource.reactive.url) nor Redis (quarkus.redis.hosts) is";
        }
        return database ? "No Redis (quarkus.redis.hosts) is" : "No PostgreSQL datasource (quarkus.datasource.reactive.url) is";
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
