package dev.tokenledger.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/**
 * Inference paths skip the REST layer's per-request URL-template lookup for authentication failures that the HTTP
 * layer never raises there: the failure handler the REST layer's filter (priority 199) sees is this gateway's, not
 * Quarkus' default, which that filter would replace after matching the path against every resource class.
 */
@QuarkusTest
class InferenceAuthFailuresTest {

    private static final String PROBE = "x-auth-failure-probe";

    /** The failure handler each probed request carried past the REST layer's filter, by probe id. */
    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    /** Looks after the REST layer's filter (199) and before authorization (100); only at requests that ask. */
    @ApplicationScoped
    static class Probe {
        void register(@Observes Filters filters) {
            filters.register(this::look, 150);
        }

        void look(RoutingContext rc) {
            String id = rc.request().getHeader(PROBE);
            if (id != null && id.length() <= 64) {
                Object handler = rc.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
                SEEN.put(id, handler == null ? "none" : handler);
            }
            rc.next();
        }
    }

    @Test
    void anInferenceRequestCarriesTheGatewaysHandlerPastTheRestLayersFilter() {
        given().header(PROBE, "inference").header("Authorization", "Bearer not-a-key").get("/v1/models").then()
                .statusCode(401);
        assertEquals(InferenceAuthFailures.TO_EXCEPTION_MAPPERS, SEEN.get("inference"));
    }

    @Test
    void anAdminRequestKeepsQuarkusHandling() {
        given().header(PROBE, "admin").get("/admin/v1/orgs").then().statusCode(401);
        Object handler = SEEN.get("admin");
        assertNotNull(handler);
        assertNotSame(InferenceAuthFailures.TO_EXCEPTION_MAPPERS, handler);
    }
}
