package dev.tokenledger.admin;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.master;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rotating a key: without an overlap the old key stops at once; with one, the old key keeps working beside the new one
 * until the overlap ends and then stops, while the new key goes on. Either way one audit entry, without either key.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class KeyRotationTest {

    static int status(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").statusCode();
    }

    static String team() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        return AdminFixtures.createTeam("rotation-" + unique, AdminFixtures.createOrg("rotation-org-" + unique));
    }

    /** A new key of a new team that has served one request: its id and the key. */
    static String[] used(String name) throws InterruptedException {
        JsonPath created = AdminFixtures.createKey(name, team());
        AdminFixtures.chat(created.getString("key"));
        return new String[]{created.getString("id"), created.getString("key")};
    }

    @Test
    void theOldKeyWorksUntilTheOverlapEndsThenStops() throws Exception {
        String[] old0 = used("overlapping");
        String oldId = old0[0];
        String oldKey = old0[1];

        OffsetDateTime before = OffsetDateTime.now();
        JsonPath rotated = master().queryParam("overlapSeconds", 3).post("/admin/v1/keys/" + oldId + "/rotate").then()
                .statusCode(201).extract().jsonPath();
        String newKey = rotated.getString("key");
        assertEquals(oldId, rotated.getString("rotatedFrom"));
        assertNull(rotated.getString("expiresAt"), "the new key keeps the old key's expiry (none), not the overlap's end");
        OffsetDateTime until = OffsetDateTime.parse(rotated.getString("rotatedFromUntil"));
        assertTrue(!until.isBefore(before.plusSeconds(3)) && until.isBefore(before.plusSeconds(30)), until.toString());

        // during the overlap both keys work; the old one is still active, expiring at the overlap's end
        AdminFixtures.chat(oldKey);
        AdminFixtures.chat(newKey);
        JsonPath old = master().get("/admin/v1/keys/" + oldId).then().statusCode(200).extract().jsonPath();
        assertEquals("active", old.getString("status"));
        assertEquals(until.toInstant(), OffsetDateTime.parse(old.getString("expiresAt")).toInstant());

        Map<String, Object> entry = AuditLogTest.only(AuditLogTest.entries("key", oldId, oldKey, newKey), "rotate");
        Map<?, ?> after = (Map<?, ?>) entry.get("after");
        assertEquals(rotated.getString("id"), after.get("id"));
        assertNotNull(after.get("rotatedFromUntil"), "the audit entry says until when the old key works");

        // after the overlap the old key is refused and the new one goes on
        long wait = Duration.between(OffsetDateTime.now(), until).toMillis() + 300;
        Thread.sleep(Math.max(0, wait));
        assertEquals(401, status(oldKey), "the old key stops when the overlap ends");
        AdminFixtures.chat(newKey);
    }

    @Test
    void withoutAnOverlapTheOldKeyStopsAtOnce() throws Exception {
        String[] old = used("replaced");
        String oldId = old[0];
        String oldKey = old[1];
        JsonPath rotated = master().post("/admin/v1/keys/" + oldId + "/rotate").then().statusCode(201).extract()
                .jsonPath();
        assertEquals(401, status(oldKey));
        AdminFixtures.chat(rotated.getString("key"));
        assertEquals("revoked", master().get("/admin/v1/keys/" + oldId).jsonPath().getString("status"));
        assertNotNull(rotated.getString("rotatedFromUntil"));
    }

    @Test
    void aKeyInItsOverlapIsNotRotatedAgainButItsReplacementIs() throws Exception {
        String[] old = used("rotated-once");
        String oldId = old[0];
        JsonPath first = master().queryParam("overlapSeconds", 3600).post("/admin/v1/keys/" + oldId + "/rotate").then()
                .statusCode(201).extract().jsonPath();
        String until = master().get("/admin/v1/keys/" + oldId).jsonPath().getString("expiresAt");

        JsonPath refused = AdminApiHygieneTest.shaped(master().queryParam("overlapSeconds", 86400)
                .post("/admin/v1/keys/" + oldId + "/rotate"), 409);
        String message = refused.getString("error.message");
        assertTrue(message.contains("already rotated") && message.contains(first.getString("prefix")), message);
        assertFalse(message.contains(old[1]) || message.contains(first.getString("key")), "no key in the refusal");

        // nothing changed: the old key keeps its overlap and works, one rotation in the audit log, one replacement
        JsonPath after = master().get("/admin/v1/keys/" + oldId).jsonPath();
        assertEquals("active", after.getString("status"));
        assertEquals(until, after.getString("expiresAt"));
        AdminFixtures.chat(old[1]);
        assertEquals(1, AuditLogTest.entries("key", oldId).stream().filter(e -> "rotate".equals(e.get("action"))).count());
        String teamId = first.getString("teamId");
        assertEquals(1, master().get("/admin/v1/keys?teamId=" + teamId).jsonPath().getList("findAll { it.rotatedFrom == '"
                + oldId + "' }").size());

        // the replacement itself can be rotated
        master().post("/admin/v1/keys/" + first.getString("id") + "/rotate").then().statusCode(201);
    }

    @Test
    void anOverlapOutsideZeroToThirtyDaysIsRefusedAndChangesNothing() {
        String id = AdminFixtures.createKey("kept", team()).getString("id");
        for (long overlap : List.of(-1L, KeysResource.MAX_OVERLAP_SECONDS + 1)) {
            String body = master().queryParam("overlapSeconds", overlap).post("/admin/v1/keys/" + id + "/rotate").then()
                    .statusCode(400).extract().asString();
            assertTrue(body.contains("overlapSeconds"), body);
        }
        assertFalse(AuditLogTest.entries("key", id).stream().anyMatch(e -> "rotate".equals(e.get("action"))));
        assertEquals("active", master().get("/admin/v1/keys/" + id).jsonPath().getString("status"));
    }
}
