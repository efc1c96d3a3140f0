package dev.tokenledger.admin;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Roles and teams read from other claims: {@code quarkus.oidc.roles.role-claim-path=realm_access/roles} (as Keycloak
 * issues them) and {@code tokenledger.admin.team-claim=tl_teams}; the default claims then grant nothing.
 */
@QuarkusTest
@TestProfile(AdminRoleClaimPathTest.KeycloakClaims.class)
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AdminRoleClaimPathTest {

    public static class KeycloakClaims extends AdminOidcProfile {
        public KeycloakClaims() {
            super(Map.of("quarkus.oidc.roles.role-claim-path", "realm_access/roles", "tokenledger.admin.team-claim",
                    "tl_teams"));
        }
    }

    static String orgId;
    static String teamId;

    @BeforeEach
    void setUp() {
        if (teamId == null) {
            orgId = AdminFixtures.createOrg("claims-" + System.nanoTime());
            teamId = AdminFixtures.createTeam("claims", orgId);
            AdminFixtures.createTeam("claims-other", orgId);
        }
    }

    static String token(String role, String roleClaim, String teamClaim) {
        JwtClaimsBuilder claims = OidcTokens.base("kim", OidcTokens.ISSUER, OidcTokens.AUDIENCE);
        if (roleClaim.equals("groups")) {
            claims.groups(Set.of(role));
        } else {
            claims.claim("realm_access", Map.of("roles", List.of(role)));
        }
        claims.claim(teamClaim, List.of(teamId));
        return OidcTokens.sign(claims);
    }

    @Test
    void rolesComeFromTheConfiguredPath() {
        String admin = token(AdminScope.ADMIN, "realm_access", "tl_teams");
        bearer(admin).contentType(ContentType.JSON).body(Map.of("name", "by-realm-admin-" + System.nanoTime()))
                .post("/admin/v1/orgs").then().statusCode(201);
        String viewer = token(AdminScope.VIEWER, "realm_access", "tl_teams");
        bearer(viewer).contentType(ContentType.JSON).body(Map.of("name", "by-realm-viewer-" + System.nanoTime()))
                .post("/admin/v1/orgs").then().statusCode(403);
        String finance = token(AdminScope.FINANCE, "realm_access", "tl_teams");
        bearer(finance).get("/admin/v1/keys").then().statusCode(403);
        bearer(finance).get("/admin/v1/usage").then().statusCode(200);
    }

    @Test
    void theDefaultGroupsClaimNoLongerGrantsARole() {
        String admin = token(AdminScope.ADMIN, "groups", "tl_teams");
        bearer(admin).get("/admin/v1/orgs").then().statusCode(403);
        bearer(admin).contentType(ContentType.JSON).body(Map.of("name", "by-groups-" + System.nanoTime()))
                .post("/admin/v1/orgs").then().statusCode(403);
    }

    @Test
    void viewerTeamsComeFromTheConfiguredClaim() {
        String viewer = token(AdminScope.VIEWER, "realm_access", "tl_teams");
        assertEquals(List.of(teamId), bearer(viewer).get("/admin/v1/teams").then().statusCode(200).extract().jsonPath()
                .getList("id", String.class));
        String defaultClaim = token(AdminScope.VIEWER, "realm_access", "teams");
        assertEquals(List.of(), bearer(defaultClaim).get("/admin/v1/teams").then().statusCode(200).extract().jsonPath()
                .getList("id", String.class));
    }
}
