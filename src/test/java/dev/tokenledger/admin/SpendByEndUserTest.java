package dev.tokenledger.admin;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.master;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage by end user (the request's {@code user}): whole days from the end-user rollup, hours from the ledger, the same
 * counts either way; requests that named no end user are not a group of their own.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class SpendByEndUserTest {

    static List<Map<String, Object>> usage(String from, String to, String interval) {
        var spec = master().queryParam("groupBy", "end_user").queryParam("from", from).queryParam("to", to);
        if (interval != null) {
            spec.queryParam("interval", interval);
        }
        return spec.get("/admin/v1/usage").then().statusCode(200).extract().jsonPath().getList("$");
    }

    static long requests(List<Map<String, Object>> groups, String user) {
        return groups.stream().filter(g -> user.equals(g.get("group")))
                .mapToLong(g -> ((Number) g.get("requests")).longValue()).sum();
    }

    @Test
    void requestsAreGroupedByTheirEndUserFromTheRollupAndFromTheLedgerAlike() throws Exception {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String team = AdminFixtures.createTeam("end-users-" + unique, AdminFixtures.createOrg("end-users-org-" + unique));
        String key = AdminFixtures.createKey("end-users-" + unique, team).getString("key");
        String alice = "alice-" + unique;
        String bob = "bob-" + unique;
        AdminFixtures.chat(key, alice);
        AdminFixtures.chat(key, alice);
        AdminFixtures.chat(key, bob);
        AdminFixtures.chat(key);

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        // whole days: the rollup
        List<Map<String, Object>> daily = usage(today.toString(), today.plusDays(1).toString(), null);
        assertEquals(2, requests(daily, alice), daily.toString());
        assertEquals(1, requests(daily, bob), daily.toString());
        Map<String, Object> aliceGroup = daily.stream().filter(g -> alice.equals(g.get("group"))).findFirst().orElseThrow();
        assertEquals(alice, aliceGroup.get("name"), "an end user is named by itself");
        assertTrue(daily.stream().noneMatch(g -> g.get("group") == null), "no group of requests without an end user");

        // hours: the ledger, the same counts
        List<Map<String, Object>> hourly = usage(today + "T00:00:01Z", today.plusDays(1) + "T00:00:00Z", "hour");
        assertEquals(2, requests(hourly, alice), hourly.toString());
        assertEquals(1, requests(hourly, bob), hourly.toString());
        assertTrue(hourly.stream().noneMatch(g -> g.get("group") == null), hourly.toString());
    }
}
