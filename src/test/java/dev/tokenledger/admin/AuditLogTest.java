package dev.tokenledger.admin;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tokenledger.auth.VirtualKeys;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.master;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every admin change writes one audit row (who, what, before/after, when, from where) and no secret: keys (the key
 * and its hash), organizations, teams, limits, prices and imports, deployment cooldowns. A refused change writes none.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AuditLogTest {

    /** The audit entries of one object, newest first; asserts that no secret is anywhere in the answer. */
    static List<Map<String, Object>> entries(String type, String id, String... secrets) {
        Response response = master().queryParam("entityType", type).queryParam("entityId", id).get("/admin/v1/audit");
        response.then().statusCode(200);
        String body = response.asString();
        for (String secret : secrets) {
            assertFalse(body.contains(secret), "the audit log shows a secret: " + body);
        }
        return response.jsonPath().getList("entries");
    }

    static Map<String, Object> only(List<Map<String, Object>> entries, String action) {
        List<Map<String, Object>> matching = entries.stream().filter(e -> action.equals(e.get("action"))).toList();
        assertEquals(1, matching.size(), action + ": " + entries);
        Map<String, Object> entry = matching.get(0);
        assertEquals("master-key", entry.get("actor"));
        assertEquals("master-key", entry.get("actorKind"));
        assertEquals("api", entry.get("via"));
        assertNotNull(entry.get("clientIp"), "from where");
        assertNotNull(entry.get("at"), "when");
        return entry;
    }

    @Test
    void tenancyAndKeyChangesAreAuditedWithoutTheKeyOrItsHash() {
        String orgId = AdminFixtures.createOrg("audit-org-" + UUID.randomUUID());
        only(entries("org", orgId), "create");
        String teamId = AdminFixtures.createTeam("audit-team", orgId);
        Map<String, Object> team = only(entries("team", teamId), "create");
        assertEquals(teamId, team.get("teamId"));

        JsonPath created = AdminFixtures.createKey("audited", teamId);
        String key = created.getString("key");
        String keyId = created.getString("id");
        String hash = VirtualKeys.hash(ConfigProvider.getConfig().getValue("tokenledger.keys.pepper", String.class), key);
        String[] secrets = {key, hash, key.substring(key.length() - 12)};
        Map<String, Object> create = only(entries("key", keyId, secrets), "create");
        assertNull(create.get("before"));
        assertEquals("audited", ((Map<?, ?>) create.get("after")).get("name"));
        assertEquals(teamId, create.get("teamId"));

        master().post("/admin/v1/keys/" + keyId + "/disable").then().statusCode(200);
        Map<String, Object> disable = only(entries("key", keyId, secrets), "disable");
        assertEquals("active", ((Map<?, ?>) disable.get("before")).get("status"));
        assertEquals("disabled", ((Map<?, ?>) disable.get("after")).get("status"));
        master().post("/admin/v1/keys/" + keyId + "/enable").then().statusCode(200);
        only(entries("key", keyId, secrets), "enable");

        JsonPath rotated = master().post("/admin/v1/keys/" + keyId + "/rotate").then().statusCode(201).extract()
                .jsonPath();
        String newKey = rotated.getString("key");
        Map<String, Object> rotate = only(entries("key", keyId, secrets[0], secrets[1], newKey), "rotate");
        assertEquals(rotated.getString("id"), ((Map<?, ?>) rotate.get("after")).get("id"));
        master().delete("/admin/v1/keys/" + rotated.getString("id")).then().statusCode(200);
        only(entries("key", rotated.getString("id"), newKey), "revoke");
        assertEquals(4, entries("key", keyId).size(), "create, disable, enable, rotate: one row each");
    }

    @Test
    void aRefusedChangeWritesNoRow() {
        String orgName = "audit-dup-" + UUID.randomUUID();
        String orgId = AdminFixtures.createOrg(orgName);
        AdminFixtures.createTeam("same", orgId);
        int before = master().queryParam("entityType", "team").queryParam("limit", 500).get("/admin/v1/audit")
                .jsonPath().getList("entries").size();
        master().body(Map.of("name", "same", "orgId", orgId)).post("/admin/v1/teams").then().statusCode(409);
        assertEquals(before, master().queryParam("entityType", "team").queryParam("limit", 500).get("/admin/v1/audit")
                .jsonPath().getList("entries").size());
    }

    @Test
    void limitsPricesAndCooldownsAreAudited() {
        String orgId = AdminFixtures.createOrg("audit-limits-" + UUID.randomUUID());
        String teamId = AdminFixtures.createTeam("limited", orgId);
        master().body(Map.of("budget", Map.of("amountUsd", "5", "window", "day"))).put("/admin/v1/limits/team/" + teamId)
                .then().statusCode(200);
        Map<String, Object> set = only(entries("limits", "team:" + teamId), "set");
        assertNull(set.get("before"));
        assertEquals(teamId, set.get("teamId"));
        master().contentType("application/merge-patch+json").body(Map.of("budget", Map.of("amountUsd", "7", "window", "day")))
                .patch("/admin/v1/limits/team/" + teamId).then().statusCode(200);
        Map<String, Object> patch = only(entries("limits", "team:" + teamId), "patch");
        assertTrue(patch.get("before").toString().contains("5"), patch.toString());
        assertTrue(patch.get("after").toString().contains("7"), patch.toString());
        master().delete("/admin/v1/limits/team/" + teamId).then().statusCode(204);
        assertNull(only(entries("limits", "team:" + teamId), "delete").get("after"));

        String model = "audit-model-" + UUID.randomUUID();
        long version = master().body(Map.of("provider", "mock", "model", model, "prices",
                Map.of("inputMtok", "1", "outputMtok", "2"), "reason", "audit test")).post("/admin/v1/prices").then()
                .statusCode(201).extract().jsonPath().getLong("id");
        only(entries("price-version", String.valueOf(version)), "create");

        String litellm = "{\"" + model + "-imported\":{\"litellm_provider\":\"mock\",\"input_cost_per_token\":1e-06,"
                + "\"output_cost_per_token\":2e-06,\"mode\":\"chat\"}}";
        String ref = "audit-" + UUID.randomUUID();
        master().contentType("application/json").body(litellm).queryParam("format", "litellm")
                .queryParam("sourceRef", ref).post("/admin/v1/prices/import").then().statusCode(200);
        only(entries("price-import", "litellm:" + ref), "import");
        master().contentType("application/json").body(litellm).queryParam("format", "litellm")
                .queryParam("sourceRef", ref + "-dry").queryParam("dryRun", true).post("/admin/v1/prices/import").then()
                .statusCode(200);
        assertTrue(entries("price-import", "litellm:" + ref + "-dry").isEmpty(), "a dry run changes nothing");

        String deployment = "mock/" + OpenAiFixtures.MODEL;
        master().delete("/admin/v1/deployments/" + deployment + "/cooldown").then().statusCode(204);
        assertFalse(entries("deployment", deployment).stream().filter(e -> "clear-cooldown".equals(e.get("action")))
                .toList().isEmpty());
    }

    @Test
    void filtersAndPagesAreChecked() {
        master().queryParam("limit", 0).get("/admin/v1/audit").then().statusCode(400);
        master().queryParam("from", "yesterday").get("/admin/v1/audit").then().statusCode(400);
        AdminFixtures.createOrg("audit-page-a-" + UUID.randomUUID());
        AdminFixtures.createOrg("audit-page-b-" + UUID.randomUUID());
        JsonPath first = master().queryParam("entityType", "org").queryParam("limit", 1).get("/admin/v1/audit")
                .jsonPath();
        long next = first.getLong("next");
        JsonPath second = master().queryParam("entityType", "org").queryParam("limit", 1).queryParam("before", next)
                .get("/admin/v1/audit").jsonPath();
        assertTrue(second.getLong("entries[0].id") < first.getLong("entries[0].id"));
        io.restassured.RestAssured.given().get("/admin/v1/audit").then().statusCode(401);
    }
}
