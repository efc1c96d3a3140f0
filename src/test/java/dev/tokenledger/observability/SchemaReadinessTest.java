package dev.tokenledger.observability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.testing.TestDb;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * A schema that lacks a migration the build carries (as after an upgrade whose separate migration step has not run
 * yet, or has failed) keeps the gateway unready, while it lives; once the migration is recorded as applied the
 * gateway is ready.
 */
@QuarkusTest
@TestProfile(SchemaReadinessTest.FreshStart.class)
class SchemaReadinessTest {

    /** A gateway of its own: the check remembers a current schema once it has seen one. */
    public static class FreshStart implements QuarkusTestProfile {
    }

    /** The newest migration this build carries, taken away from the schema history for the test. */
    static final String NEWEST = newestMigration();

    private static String newestMigration() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                SchemaReadinessTest.class.getClassLoader().getResource("db/migration").toURI()))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max(Integer::compare)
                    .map(String::valueOf).orElseThrow();
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void unreadyUntilTheSchemaIsMigrated() throws SQLException {
        history("UPDATE flyway_schema_history SET success = false WHERE version = '" + NEWEST + "'");
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'schema' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'schema' }.data.missing", containsString(NEWEST));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            history("UPDATE flyway_schema_history SET success = true WHERE version = '" + NEWEST + "'");
        }
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'schema' }.status", is("UP"))
                .body("checks.find { it.name == 'schema' }.data.state", is("ok"));
    }

    static void history(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", ""); Statement s = c.createStatement()) {
            if (s.executeUpdate(sql) != 1) {
                throw new IllegalStateException("migration " + NEWEST + " is not in the schema history");
            }
        }
    }
}
