package dev.tokenledger.observability;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.resource.LoadableResource;

import io.quarkus.flyway.runtime.QuarkusPathLocationScanner;
import io.quarkus.logging.Log;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgException;

/**
 * Unready while the database schema lacks a migration this build carries. Where the schema is migrated by a step of
 * its own (the Kubernetes manifests run the executable with {@code QUARKUS_INIT_AND_EXIT=true} before the gateway
 * starts, and start the gateway with {@code QUARKUS_FLYWAY_MIGRATE_AT_START=false}), a replica must not take traffic
 * on a schema older than its code. Reads the applied versions over the reactive pool instead of asking Flyway, which
 * would open a JDBC connection and validate every migration at each start; the versions this build carries are the
 * migration files Quarkus listed at build time. It needs no Flyway instance, so a process that does not migrate sets
 * up neither Flyway nor the JDBC datasource ({@code quarkus.flyway.active} follows
 * {@code quarkus.flyway.migrate-at-start} in application.yaml). Once current, the schema stays current for the life of the process. A
 * database that cannot be reached leaves the answer open (up, {@code unknown}): the ledger spools meanwhile.
 */
@Readiness
@ApplicationScoped
public class SchemaReadiness implements AsyncHealthCheck {

    private static final String UNDEFINED_TABLE = "42P01";

    /** Flyway's (and Quarkus') default location of migrations. */
    private static final String DEFAULT_LOCATION = "db/migration";

    private final Pool pool;
    private final Config config;
    private volatile Bundled bundled;
    private volatile boolean current;
    private volatile boolean warned;

    public SchemaReadiness(Pool pool, Config config) {
        this.pool = pool;
        this.config = config;
    }

    /** The versioned migrations this build carries and the table Flyway records applied ones in. */
    record Bundled(Set<MigrationVersion> versions, String table) {
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (current) {
            return Uni.createFrom().item(up("ok"));
        }
        Uni<Bundled> expected = bundled != null
                ? Uni.createFrom().item(bundled)
                : Uni.createFrom().item(this::bundled).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return expected.chain(b -> b.versions().isEmpty() ? Uni.createFrom().item(up("ok")) : compare(b));
    }

    private Uni<HealthCheckResponse> compare(Bundled expected) {
        // the table name comes from configuration, never from a request
        return pool.query("SELECT version FROM " + expected.table() + " WHERE success AND version IS NOT NULL")
                .execute()
                .ifNoItem().after(Dependency.TIMEOUT).fail()
                .map(rows -> {
                    Set<MigrationVersion> applied = new HashSet<>();
                    for (Row row : rows) {
                        applied.add(MigrationVersion.fromVersion(row.getString(0)));
                    }
                    Set<MigrationVersion> missing = new TreeSet<>(expected.versions());
                    missing.removeAll(applied);
                    if (missing.isEmpty()) {
                        current = true;
                        return up("ok");
                    }
                    return outdated(missing);
                })
                .onFailure().recoverWithItem(failure -> {
                    if (failure instanceof PgException e && UNDEFINED_TABLE.equals(e.getSqlState())) {
                        return outdated(expected.versions()); // no schema history: nothing migrated yet
                    }
                    return HealthCheckResponse.named("schema").up().withData("state", "unknown")
                            .withData("error", failure.getClass().getSimpleName()).build();
                });
    }

    private Bundled bundled() {
        Bundled known = bundled;
        if (known != null) {
            return known;
        }
        List<String> locations = config.getOptionalValues("quarkus.flyway.locations", String.class)
                .orElse(List.of(DEFAULT_LOCATION));
        // the configuration serves file-system locations only; the build's own migrations are listed by Quarkus
        Configuration configuration = new FluentConfiguration().locations(locations.toArray(String[]::new));
        Collection<LoadableResource> resources = new QuarkusPathLocationScanner(configuration,
                List.of(configuration.getLocations())).scanForResources();
        Set<MigrationVersion> versions = new TreeSet<>();
        String prefix = config.getOptionalValue("quarkus.flyway.sql-migration-prefix", String.class)
                .orElse(configuration.getSqlMigrationPrefix());
        String separator = configuration.getSqlMigrationSeparator();
        for (LoadableResource resource : resources) {
            String name = resource.getFilename();
            int end = name.indexOf(separator);
            if (name.startsWith(prefix) && end > prefix.length()) {
                versions.add(MigrationVersion.fromVersion(name.substring(prefix.length(), end)));
            }
        }
        String table = quote(config.getOptionalValue("quarkus.flyway.table", String.class)
                .orElse(configuration.getTable()));
        List<String> schemas = config.getOptionalValues("quarkus.flyway.schemas", String.class).orElse(List.of());
        known = new Bundled(versions, schemas.isEmpty() ? table : quote(schemas.get(0)) + "." + table);
        bundled = known;
        return known;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static HealthCheckResponse up(String state) {
        return HealthCheckResponse.named("schema").up().withData("state", state).build();
    }

    private HealthCheckResponse outdated(Set<MigrationVersion> missing) {
        if (!warned) {
            warned = true;
            Log.warnf("The database schema lacks migrations %s: not ready until it is migrated", missing);
        }
        return HealthCheckResponse.named("schema").down().withData("state", "outdated")
                .withData("missing", missing.toString()).build();
    }
}
