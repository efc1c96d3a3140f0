package dev.tokenledger.admin;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tokenledger.auth.VirtualKeys;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.master;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API refuses what it does not understand instead of guessing (unknown fields, empty replacements), changes
 * limits partially only when asked to (PATCH), and answers every error in one JSON shape, whoever raised it.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AdminApiHygieneTest {

    static final String PEPPER = "tl-test-key-pepper";

    String teamId;
    String keyId;
    String key;

    @BeforeEach
    void tenant() {
        String org = AdminFixtures.createOrg("hygiene-" + System.nanoTime());
        teamId = AdminFixtures.createTeam("t", org);
        JsonPath created = AdminFixtures.createKey("k", teamId);
        keyId = created.getString("id");
        key = created.getString("key");
    }

    String limits() {
        return "/admin/v1/limits/key/" + keyId;
    }

    @Test
    void aMisspeltLimitIsRefusedAndWipesNothing() {
        master().body("{\"rpm\":7,\"tpm\":9000}").put(limits()).then().statusCode(200);

        JsonPath error = shaped(master().body("{\"rpmm\":5}").put(limits()), 400);
        assertEquals(List.of("rpmm"), error.getList("error.fields"));
        assertEquals("rpmm", error.getString("error.param"));
        assertEquals("unknown_fields", error.getString("error.code"));
        assertTrue(error.getString("error.message").contains("rpmm"), error.prettify());

        JsonPath stored = master().get(limits()).then().statusCode(200).extract().jsonPath();
        assertEquals(7, stored.getInt("limits.rpm"), stored.prettify());
        assertEquals(9000, stored.getInt("limits.tpm"), stored.prettify());
    }

    @Test
    void everyUnknownFieldIsNamedWithItsPath() {
        JsonPath nested = shaped(master().body("{\"rpm\":5,\"budget\":{\"amountUsd\":\"1\",\"windoww\":\"day\","
                + "\"hardd\":true}}").put(limits()), 400);
        assertEquals(List.of("budget.windoww", "budget.hardd"), nested.getList("error.fields"), nested.prettify());

        JsonPath top = shaped(master().body("{\"rmp\":5,\"tpm\":10,\"maxparallel\":2}").put(limits()), 400);
        assertEquals(List.of("rmp", "maxparallel"), top.getList("error.fields"), top.prettify());

        JsonPath perModel = shaped(master().body("{\"models\":{\"gpt-4o\":{\"rpmm\":1}}}").put(limits()), 400);
        assertEquals(List.of("models.gpt-4o.rpmm"), perModel.getList("error.fields"), perModel.prettify());

        // every admin request, not only limits
        JsonPath org = shaped(master().body("{\"name\":\"x-" + System.nanoTime() + "\",\"nmae\":\"y\"}")
                .post("/admin/v1/orgs"), 400);
        assertEquals(List.of("nmae"), org.getList("error.fields"));
        JsonPath keys = shaped(master().body(Map.of("name", "n", "teamId", teamId, "model", List.of("x")))
                .post("/admin/v1/keys"), 400);
        assertEquals(List.of("model"), keys.getList("error.fields"));
    }

    @Test
    void aPutThatSetsNothingIsRefused() {
        master().body("{\"rpm\":7}").put(limits()).then().statusCode(200);
        shaped(master().body("{}").put(limits()), 400);
        shaped(given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON)
                .put(limits()), 400);
        assertEquals(7, master().get(limits()).then().statusCode(200).extract().jsonPath().getInt("limits.rpm"));
    }

    @Test
    void patchChangesOnlyWhatItNames() {
        master().body("{\"rpm\":10,\"tpm\":1000,\"budget\":{\"amountUsd\":\"5.00\",\"window\":\"day\"}}").put(limits())
                .then().statusCode(200);

        JsonPath patched = master().contentType("application/merge-patch+json")
                .body("{\"tpm\":null,\"maxParallel\":2,\"budget\":{\"amountUsd\":\"7.50\"}}").patch(limits()).then()
                .statusCode(200).extract().jsonPath();
        assertEquals(10, patched.getInt("limits.rpm"), patched.prettify());
        assertNull(patched.get("limits.tpm"), patched.prettify());
        assertEquals(2, patched.getInt("limits.maxParallel"), patched.prettify());
        assertEquals("7.50", patched.getString("limits.budget.amountUsd"), patched.prettify());
        assertEquals("day", patched.getString("limits.budget.window"), patched.prettify());

        // a misspelt patch and an invalid result change nothing
        assertEquals(List.of("rpmm"), shaped(master().body("{\"rpmm\":1}").patch(limits()), 400)
                .getList("error.fields"));
        assertEquals("rpm", shaped(master().body("{\"rpm\":0}").patch(limits()), 400).getString("error.param"));
        JsonPath unchanged = master().get(limits()).then().statusCode(200).extract().jsonPath();
        assertEquals(10, unchanged.getInt("limits.rpm"));
        assertEquals(2, unchanged.getInt("limits.maxParallel"));

        // a key without limits can be patched too
        String other = AdminFixtures.createKey("other", teamId).getString("id");
        assertEquals(3, master().body("{\"rpm\":3}").patch("/admin/v1/limits/key/" + other).then().statusCode(200)
                .extract().jsonPath().getInt("limits.rpm"));
        shaped(master().body("{\"rpm\":3}").patch("/admin/v1/limits/key/" + UUID.randomUUID()), 404);
    }

    @Test
    void deleteRemovesEveryLimitOnPurpose() {
        master().body("{\"rpm\":10}").put(limits()).then().statusCode(200);
        master().delete(limits()).then().statusCode(204);
        JsonPath none = master().get(limits()).then().statusCode(200).extract().jsonPath();
        assertNull(none.get("limits.rpm"), none.prettify());
    }

    @Test
    void everyAdminErrorHasOneJsonShape() {
        // the HTTP layer's own refusals
        shaped(master().get("/admin/v1/nothing-here"), 404);
        shaped(master().get("/admin/nothing-here"), 404);
        shaped(master().get("/admin"), 404);
        Response notAllowed = master().body("{}").patch("/admin/v1/orgs");
        shaped(notAllowed, 405);
        shaped(master().contentType(ContentType.TEXT).body("name=x").post("/admin/v1/orgs"), 415);
        assertEquals("invalid_json", shaped(master().body("{\"name\":").post("/admin/v1/orgs"), 400)
                .getString("error.code"));
        assertEquals("rpm", shaped(master().body("{\"rpm\":\"fast\"}").put(limits()), 400).getString("error.param"));
        // credentials
        Response anonymous = given().get("/admin/v1/orgs");
        shaped(anonymous, 401);
        assertTrue(anonymous.header("WWW-Authenticate").startsWith("Bearer"), anonymous.headers().toString());
        shaped(given().header("Authorization", "Bearer not-the-master-key").get("/admin/v1/keys"), 401);
        // the resources' own
        shaped(master().get("/admin/v1/keys/" + UUID.randomUUID()), 404);
        shaped(master().get("/admin/v1/limits/planet/" + keyId), 404);
        shaped(master().get("/admin/v1/keys/not-a-uuid"), 404);
        String name = "dup-" + System.nanoTime();
        master().body(Map.of("name", name)).post("/admin/v1/orgs").then().statusCode(201);
        shaped(master().body(Map.of("name", name)).post("/admin/v1/orgs"), 409);
        shaped(master().body(Map.of("teamId", teamId)).post("/admin/v1/keys"), 400);
    }

    @Test
    void theKeyParameterIsOnlyForGeminiClients() {
        given().queryParam("key", OpenAiFixtures.MASTER).get("/v1/models").then().statusCode(401);
        given().queryParam("key", key).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(401);
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200);
    }

    @Test
    void newKeysAreHashedWithThePepperNotTheMasterKey() throws Exception {
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = db.prepareStatement(
                        "SELECT key_hash, pepper_version FROM api_key WHERE id = ?::uuid")) {
            q.setString(1, keyId);
            try (ResultSet rs = q.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(VirtualKeys.hash(PEPPER, key), rs.getString(1));
                assertNotEquals(VirtualKeys.hash(OpenAiFixtures.MASTER, key), rs.getString(1));
                assertEquals(2, rs.getInt(2));
            }
        }
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200);
    }

    @Test
    void keysOfTheMasterKeyPepperStillVerifyUntilRotated() throws Exception {
        String legacy = VirtualKeys.generate();
        String forged = VirtualKeys.generate();
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement insert = db.prepareStatement("INSERT INTO api_key (id, team_id, name, key_hash, "
                        + "pepper_version, key_prefix, key_last4, status) VALUES (?::uuid, ?::uuid, 'old', ?, ?, 'p', "
                        + "'l', 'active')")) {
            for (Object[] row : new Object[][]{{legacy, 1}, {forged, 2}}) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, teamId);
                insert.setString(3, VirtualKeys.hash(OpenAiFixtures.MASTER, (String) row[0]));
                insert.setInt(4, (Integer) row[1]);
                insert.executeUpdate();
            }
        }
        // keys nobody announced: a reload of everything (as after a lost subscription) finds them
        reloadEverything();
        int status = 0;
        for (int i = 0; i < 100 && status != 200; i++) {
            Thread.sleep(50);
            status = given().header("Authorization", "Bearer " + legacy).get("/v1/models").statusCode();
        }
        assertEquals(200, status, "a key of the master-key pepper no longer verifies");
        // only version-1 rows may have been hashed with the master key
        given().header("Authorization", "Bearer " + forged).get("/v1/models").then().statusCode(401);

        // rotated away (here: revoked), they cost other tests' forged keys no second lookup
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "")) {
            db.createStatement().executeUpdate("UPDATE api_key SET status = 'revoked' WHERE pepper_version = 1");
        }
        reloadEverything();
        Thread.sleep(2000);
    }

    /** Cuts this application's change-channel subscription: it subscribes again and reloads everything. */
    static void reloadEverything() throws Exception {
        for (String line : TestDb.redisCli("CLIENT", "LIST", "TYPE", "pubsub").split("\n")) {
            if (line.contains(" db=" + TestDb.REDIS_DB + " ")) {
                TestDb.redisCli("CLIENT", "KILL", "ID", line.substring(3, line.indexOf(' ')));
            }
        }
    }

    /** Asserts the admin error shape and answers the body. */
    static JsonPath shaped(Response response, int status) {
        String body = response.asString();
        assertEquals(status, response.statusCode(), body);
        assertNotNull(response.contentType(), "no content type: " + body);
        assertTrue(response.contentType().startsWith("application/json"), response.contentType() + ": " + body);
        JsonPath json = new JsonPath(body);
        assertNotNull(json.getString("error.type"), body);
        assertFalse(json.getString("error.message").isBlank(), body);
        assertNotNull(json.getList("error.fields"), body);
        Map<String, Object> error = json.getMap("error");
        assertTrue(error.containsKey("param") && error.containsKey("code"), body);
        return json;
    }
}
