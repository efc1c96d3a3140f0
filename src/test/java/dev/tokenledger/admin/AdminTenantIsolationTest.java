package dev.tokenledger.admin;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A viewer sees only the teams of its token's {@code teams} claim: two organizations with a team, a key and a ledger
 * row each, and a viewer of team A that must find nothing of B anywhere, while other teams' objects answer 404
 * exactly like objects that do not exist.
 */
@QuarkusTest
@TestProfile(AdminOidcProfile.class)
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AdminTenantIsolationTest {

    /** What was created for one tenant, and every string of it that must not leak to the other. */
    record Tenant(String orgId, String orgName, String teamId, String teamName, String keyId, String keyName,
            String keyPrefix, String requestId) {
        List<String> secrets() {
            return List.of(orgId, orgName, teamId, teamName, keyId, keyName, keyPrefix, requestId);
        }
    }

    static Tenant a;
    static Tenant b;

    @BeforeEach
    void setUp() throws InterruptedException {
        if (a == null) {
            a = tenant("a");
            b = tenant("b");
        }
    }

    static Tenant tenant(String label) throws InterruptedException {
        String unique = label + "-" + UUID.randomUUID().toString().substring(0, 8);
        String orgName = "org-" + unique;
        String orgId = AdminFixtures.createOrg(orgName);
        String teamName = "team-" + unique;
        String teamId = AdminFixtures.createTeam(teamName, orgId);
        String keyName = "key-" + unique;
        JsonPath key = AdminFixtures.createKey(keyName, teamId);
        String requestId = AdminFixtures.chat(key.getString("key"));
        return new Tenant(orgId, orgName, teamId, teamName, key.getString("id"), keyName, key.getString("prefix"),
                requestId);
    }

    static String viewer(Object teams) {
        return OidcTokens.token("victor", Set.of(AdminScope.VIEWER), teams);
    }

    /** GET as {@code token}; asserts the status and that no string of {@code hidden} is in the answer. */
    static Response get(String token, String path, int status, Tenant hidden) {
        Response response = bearer(token).get(path);
        String body = response.asString();
        assertEquals(status, response.statusCode(), path + ": " + body);
        if (hidden != null) {
            for (String secret : hidden.secrets()) {
                assertFalse(body.contains(secret), path + " shows " + secret + " of the other tenant: " + body);
            }
        }
        return response;
    }

    static List<String> ids(Response response, String field) {
        return response.jsonPath().getList(field, String.class);
    }

    /** The data rows of a usage CSV export. */
    static List<String> rows(Response export) {
        List<String> lines = Arrays.asList(export.asString().split("\n"));
        assertTrue(lines.get(0).startsWith("request_id,created_at,org_id,team_id,key_id,"), lines.get(0));
        return lines.subList(1, lines.size());
    }

    @Test
    void bothTenantsExistForAnAdmin() {
        // without this the absence of B below would prove nothing
        String admin = OidcTokens.token("alice", Set.of(AdminScope.ADMIN), null);
        assertTrue(ids(get(admin, "/admin/v1/teams", 200, null), "id").containsAll(List.of(a.teamId, b.teamId)));
        assertTrue(ids(get(admin, "/admin/v1/orgs", 200, null), "id").containsAll(List.of(a.orgId, b.orgId)));
        assertTrue(ids(get(admin, "/admin/v1/keys", 200, null), "id").containsAll(List.of(a.keyId, b.keyId)));
        assertTrue(ids(get(admin, "/admin/v1/usage?groupBy=team", 200, null), "group")
                .containsAll(List.of(a.teamId, b.teamId)));
        String export = get(admin, "/admin/v1/usage/export", 200, null).asString();
        assertTrue(export.contains(a.requestId) && export.contains(b.requestId), export);
        get(admin, "/admin/v1/ledger/" + b.requestId, 200, null);
        get(admin, "/admin/v1/keys/" + b.keyId, 200, null);
        // finance sees every team as well
        String finance = OidcTokens.token("fiona", Set.of(AdminScope.FINANCE), List.of(a.teamId));
        assertTrue(ids(get(finance, "/admin/v1/teams", 200, null), "id").containsAll(List.of(a.teamId, b.teamId)));
        assertEquals(b.teamId, get(finance, "/admin/v1/ledger/" + b.requestId, 200, null).jsonPath().getString("teamId"));
    }

    @Test
    void viewerListsOnlyItsOwnTenancy() {
        String viewer = viewer(List.of(a.teamId));
        assertEquals(List.of(a.teamId), ids(get(viewer, "/admin/v1/teams", 200, b), "id"));
        assertEquals(List.of(a.orgId), ids(get(viewer, "/admin/v1/orgs", 200, b), "id"));
        assertEquals(List.of(a.keyId), ids(get(viewer, "/admin/v1/keys", 200, b), "id"));
        assertEquals(List.of(a.keyId), ids(get(viewer, "/admin/v1/keys?teamId=" + a.teamId, 200, b), "id"));
        assertEquals(List.of(), ids(get(viewer, "/admin/v1/keys?teamId=" + b.teamId, 200, b), "id"));
        assertEquals(a.keyName, get(viewer, "/admin/v1/keys/" + a.keyId, 200, b).jsonPath().getString("name"));
    }

    @Test
    void viewerReadsOnlyItsOwnUsage() {
        String viewer = viewer(List.of(a.teamId));
        assertEquals(List.of(a.teamId), ids(get(viewer, "/admin/v1/usage?groupBy=team", 200, b), "group"));
        assertEquals(List.of(a.orgId), ids(get(viewer, "/admin/v1/usage?groupBy=org", 200, b), "group"));
        assertEquals(List.of(a.keyId), ids(get(viewer, "/admin/v1/usage?groupBy=key", 200, b), "group"));
        JsonPath byModel = get(viewer, "/admin/v1/usage?groupBy=model", 200, b).jsonPath();
        assertEquals(1, byModel.getLong("[0].requests"), byModel.prettify());
        assertEquals(1, byModel.getList("$").size(), byModel.prettify());

        List<String> rows = rows(get(viewer, "/admin/v1/usage/export", 200, b));
        assertEquals(1, rows.size(), rows.toString());
        assertTrue(rows.get(0).startsWith(a.requestId + ","), rows.get(0));
        assertEquals(a.teamId, rows.get(0).split(",")[3]);

        JsonPath row = get(viewer, "/admin/v1/ledger/" + a.requestId, 200, b).jsonPath();
        assertEquals(a.teamId, row.getString("teamId"));
        assertEquals(a.keyId, row.getString("keyId"));
    }

    @Test
    void otherTenantsObjectsAre404LikeUnknownOnes() {
        String viewer = viewer(List.of(a.teamId));
        Set<String> bOnly = Set.of(b.orgId, b.orgName, b.teamId, b.teamName, b.keyName, b.keyPrefix);
        String unknownKey = UUID.randomUUID().toString();
        String keyB = assertNotFound(viewer, "/admin/v1/keys/", b.keyId, bOnly);
        String keyUnknown = assertNotFound(viewer, "/admin/v1/keys/", unknownKey, bOnly);
        assertEquals(keyUnknown.replace(unknownKey, "ID"), keyB.replace(b.keyId, "ID"),
                "another team's key must be indistinguishable from a key that does not exist");

        String unknownRequest = UUID.randomUUID().toString();
        String ledgerB = assertNotFound(viewer, "/admin/v1/ledger/", b.requestId, bOnly);
        String ledgerUnknown = assertNotFound(viewer, "/admin/v1/ledger/", unknownRequest, bOnly);
        assertEquals(ledgerUnknown.replace(unknownRequest, "ID"), ledgerB.replace(b.requestId, "ID"));

        // and the viewer's own objects are found
        get(viewer, "/admin/v1/keys/" + a.keyId, 200, b);
        get(viewer, "/admin/v1/ledger/" + a.requestId, 200, b);
        // the viewer of B sees B's, not A's
        String viewerB = viewer(List.of(b.teamId));
        get(viewerB, "/admin/v1/ledger/" + b.requestId, 200, a);
        assertNotFound(viewerB, "/admin/v1/ledger/", a.requestId, Set.of(a.teamId, a.orgId, a.keyId));
        assertEquals(List.of(b.teamId), ids(get(viewerB, "/admin/v1/teams", 200, a), "id"));
    }

    static String assertNotFound(String token, String prefix, String id, Set<String> absent) {
        Response response = bearer(token).get(prefix + id);
        String body = response.asString();
        assertEquals(404, response.statusCode(), prefix + id + ": " + body);
        for (String secret : absent) {
            assertFalse(body.contains(secret), prefix + id + " shows " + secret + ": " + body);
        }
        return body;
    }

    @Test
    void teamClaimMayListSeveralTeamsOrBeAString() {
        List<String> both = List.of(a.teamId, b.teamId);
        for (Object claim : List.of(both, a.teamId + "," + b.teamId, a.teamId + " " + b.teamId)) {
            String viewer = viewer(claim);
            List<String> teams = ids(get(viewer, "/admin/v1/teams", 200, null), "id");
            assertEquals(Set.copyOf(both), Set.copyOf(teams), "claim " + claim);
            assertEquals(2, teams.size(), "claim " + claim);
            get(viewer, "/admin/v1/ledger/" + b.requestId, 200, null);
        }
        // a single team as a plain string
        assertEquals(List.of(a.teamId), ids(get(viewer(a.teamId), "/admin/v1/teams", 200, b), "id"));
    }

    @Test
    void viewerWithoutValidTeamsSeesNothing() {
        for (Object claim : new Object[]{null, List.of(), List.of("not-a-uuid"), "research"}) {
            String viewer = viewer(claim);
            assertEquals(List.of(), ids(get(viewer, "/admin/v1/teams", 200, b), "id"), "claim " + claim);
            assertEquals(List.of(), ids(get(viewer, "/admin/v1/orgs", 200, b), "id"), "claim " + claim);
            assertEquals(List.of(), ids(get(viewer, "/admin/v1/keys", 200, b), "id"), "claim " + claim);
            assertEquals(List.of(), ids(get(viewer, "/admin/v1/usage?groupBy=team", 200, b), "group"), "claim " + claim);
            assertEquals(List.of(), rows(get(viewer, "/admin/v1/usage/export", 200, b)), "claim " + claim);
            for (Tenant t : List.of(a, b)) {
                get(viewer, "/admin/v1/ledger/" + t.requestId, 404, null);
                get(viewer, "/admin/v1/keys/" + t.keyId, 404, null);
            }
        }
    }
}
