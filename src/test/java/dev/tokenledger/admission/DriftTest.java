package dev.tokenledger.admission;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.testing.RedisBehindProxy;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drift check compares every budget counter in Redis with the ledger's total for its window: equal after normal
 * traffic, and a counter that was changed behind the ledger's back (a double settlement, say) is published and, seen
 * in two rounds running, alerted on.
 */
@QuarkusTest
@TestProfile(RedisBehindProxy.Profile.class)
class DriftTest {

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void aCounterThatLeavesTheLedgerIsPublishedAndAlertedOn() throws Exception {
        Upstreams.wireMock().resetAll();
        Tenant.answersAll(Upstreams.wireMock(), "budget-model");
        Tenant.price("mock", "budget-model", "0", "10");
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"budget\":{\"amountUsd\":\"1\",\"window\":\"month\",\"hard\":true}}");
        assertEquals(200, Tenant.burst(gateway, tenant.key(), Tenant.body("mock/budget-model", 100, false), 1).get(0)
                .statusCode());
        assertEquals(1000, Tenant.ledger("key_id", tenant.keyId(), 1)[1]);
        String gauge = "tokenledger_limit_drift{limit=\"budget\",scope=\"key:" + tenant.keyId() + "\"}";
        assertEquals("0.0", awaitMetric(gauge, "0.0"), "Redis and the ledger agree after a settled request");

        // the counter gains 5,000 micro-USD the ledger never saw
        TestDb.redisCli("HINCRBY", HoldsTest.budgetKey(tenant), "spent", "5000");
        assertEquals("5000.0", awaitMetric(gauge, "5000.0"));
        String alerts = "tokenledger_limit_drift_alerts_total{limit=\"budget\",scope_type=\"key\"}";
        String fired = awaitMetric(alerts, null);
        assertTrue(fired != null && Double.parseDouble(fired) >= 1, "no drift alert: " + fired);
    }

    /** A metric's value once it equals {@code expected} (any value when null), or its last value after 10 s. */
    private static String awaitMetric(String series, String expected) throws InterruptedException {
        String value = null;
        for (int i = 0; i < 100; i++) {
            value = null;
            for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
                if (line.startsWith(series + " ")) {
                    value = line.substring(series.length() + 1).trim();
                }
            }
            if (value != null && (expected == null || expected.equals(value))) {
                return value;
            }
            Thread.sleep(100);
        }
        return value;
    }
}
