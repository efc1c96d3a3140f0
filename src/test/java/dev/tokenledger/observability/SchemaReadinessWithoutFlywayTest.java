package dev.tokenledger.observability;

import java.sql.SQLException;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.testing.ConfigOverrides;
import dev.tokenledger.testing.TestDb;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A gateway started behind a separate migration step ({@code quarkus.flyway.migrate-at-start=false}, as the
 * Kubernetes manifests run it) sets up neither Flyway nor the JDBC datasource, and its readiness still refuses a
 * schema that lacks a migration the build carries.
 */
@QuarkusTest
@TestProfile(SchemaReadinessWithoutFlywayTest.NoMigration.class)
class SchemaReadinessWithoutFlywayTest {

    /** The gateway container of the Kubernetes manifests: no migration at start. */
    public static class NoMigration extends ConfigOverrides {
        public NoMigration() {
            super(Map.of("quarkus.flyway.migrate-at-start", "false"));
        }
    }

    @Test
    void noFlywayInTheProcessAndUnreadyUntilTheSchemaIsMigrated() throws SQLException {
        assertFalse(Arc.container().select(AgroalDataSource.class).getHandle().getBean().isActive(),
                "a gateway that does not migrate sets up no JDBC datasource: it is Flyway's alone (config.JdbcOnlyToMigrate)");
        assertFalse(Arc.container().select(Flyway.class).getHandle().getBean().isActive(),
                "a gateway that does not migrate sets up no Flyway (inactive with its datasource)");
        // the separate migration step, as the init container runs it (this class may be the first on a new database)
        Flyway.configure().dataSource(TestDb.JDBC_URL, "postgres", "").load().migrate();
        SchemaReadinessTest.history("UPDATE flyway_schema_history SET success = false WHERE version = '"
                + SchemaReadinessTest.NEWEST + "'");
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'schema' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'schema' }.data.missing", containsString(SchemaReadinessTest.NEWEST));
        } finally {
            SchemaReadinessTest.history("UPDATE flyway_schema_history SET success = true WHERE version = '"
                    + SchemaReadinessTest.NEWEST + "'");
        }
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'schema' }.status", is("UP"));
    }
}
