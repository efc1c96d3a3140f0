package dev.tokenledger.routing;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.RoutingUpstreams;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.routing.RoutingFixtures.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code /admin/v1/deployments}: what it shows, the cooldown it clears, who may call it; and readiness. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class DeploymentsAdminTest {

    @Inject
    RedisDataSource redis;

    @Test
    void listsEveryDeploymentWithItsState() {
        client().get("/admin/v1/deployments").then().statusCode(200)
                .body("id", hasItem("r1/rr-a"))
                .body("find { it.id == 'r1/rr-a' }.aliases", hasItem("st-rr"))
                .body("find { it.id == 'r1/rr-a' }.breaker", is("CLOSED"))
                .body("find { it.id == 'r1/rr-a' }.inFlight", is(0));
    }

    @Test
    void anAdminClearsACooldown() {
        // a cooldown another replica wrote, long enough for a slow machine
        long until = System.currentTimeMillis() + 60_000;
        redis.value(String.class).psetex(Cooldowns.PREFIX + "r1/chain-primary", 60_000, until + "|AUTH");
        answerText(RoutingUpstreams.r1(), "chain-primary", "primary again");
        answerText(RoutingUpstreams.r2(), "chain-backup", "backup");
        int before = calls(RoutingUpstreams.r1(), "chain-primary");
        assertEquals("AUTH", deployment("r1/chain-primary").get("cooldownReason"));
        assertEquals("backup", text(chat("chain")));
        assertEquals(before, calls(RoutingUpstreams.r1(), "chain-primary"));

        client().delete("/admin/v1/deployments/r1/chain-primary/cooldown").then().statusCode(204);

        assertNull(cooldownUntil("r1/chain-primary"));
        assertEquals("primary again", text(chat("chain")));
    }

    @Test
    void unknownDeploymentIs404AndKeysAreRequired() {
        client().delete("/admin/v1/deployments/r1/nope/cooldown").then().statusCode(404);
        given().get("/admin/v1/deployments").then().statusCode(401);
    }

    @Test
    void readinessReportsRedisAndPostgresqlWithoutDependingOnThem() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'redis' }.status", is("UP"))
                .body("checks.find { it.name == 'redis' }.data.state", is("ok"))
                .body("checks.find { it.name == 'postgresql' }.data.state", is("ok"));
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'redis' }", org.hamcrest.Matchers.nullValue());
    }
}
