package dev.tokenledger.observability;

import java.util.Map;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * A gateway started without Flyway (as Kubernetes starts it, after a separate migration step) is not ready on a
 * schema that lacks a migration it carries, and becomes ready once the schema is migrated.
 */
@QuarkusTest
@TestProfile(SchemaReadinessTest.WithoutFlywayAtStart.class)
class SchemaReadinessTest {

    /** The test profile empties the database at start (clean-at-start) and does not migrate it. */
    public static class WithoutFlywayAtStart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.flyway.migrate-at-start", "false");
        }
    }

    @Inject
    Flyway flyway;

    @Test
    void unreadyUntilTheSchemaIsMigrated() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'schema' }.status", is("DOWN"))
                .body("checks.find { it.name == 'schema' }.data.missing", containsString("1"));
        given().get("/q/health/live").then().statusCode(200);

        flyway.migrate();

        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'schema' }.status", is("UP"))
                .body("checks.find { it.name == 'schema' }.data.state", is("ok"));
    }
}
