package dev.tokenledger.coherence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What another replica announces on the change channel is applied here at once, well before the key cache would
 * expire; what is not an announcement of ours is ignored.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ChangeChannelTest {

    static final String CHANNEL = "tokenledger:changes:" + TestDb.REDIS_DB;

    @Test
    void aKeyChangeAnnouncedByAnotherReplicaIsAppliedAtOnce() throws Exception {
        String org = admin().body(Map.of("name", "channel-" + System.nanoTime())).post("/admin/v1/orgs").then()
                .statusCode(201).extract().path("id");
        String team = admin().body(Map.of("name", "t", "orgId", org)).post("/admin/v1/teams").then().statusCode(201)
                .extract().path("id");
        JsonPath key = admin().body(Map.of("name", "k", "teamId", team)).post("/admin/v1/keys").then().statusCode(201)
                .extract().jsonPath();
        given().header("Authorization", "Bearer " + key.getString("key")).get("/v1/models").then().statusCode(200);

        // another replica revoked it: the row changed, then the announcement came
        String hash;
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement revoke = db.prepareStatement(
                        "UPDATE api_key SET status = 'revoked' WHERE id = ?::uuid RETURNING key_hash")) {
            revoke.setString(1, key.getString("id"));
            try (ResultSet rs = revoke.executeQuery()) {
                rs.next();
                hash = rs.getString(1);
            }
        }
        // noise on the channel changes nothing and breaks nothing
        for (String noise : new String[]{"garbage", "x|KEY|" + hash, UUID.randomUUID() + "|NOPE|" + hash,
                UUID.randomUUID() + "|KEY|" + "x".repeat(5000)}) {
            TestDb.redisCli("PUBLISH", CHANNEL, noise);
        }
        Thread.sleep(300);
        given().header("Authorization", "Bearer " + key.getString("key")).get("/v1/models").then().statusCode(200);

        TestDb.redisCli("PUBLISH", CHANNEL, UUID.randomUUID() + "|KEY|" + hash);
        long start = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - start < 1_000_000_000L) {
            Thread.sleep(20);
            status = given().header("Authorization", "Bearer " + key.getString("key")).get("/v1/models").statusCode();
        }
        assertEquals(401, status, "a key revoked on another replica was still served after a second");
    }

    @Test
    void everyReplicaListens() throws Exception {
        String[] answer = TestDb.redisCli("PUBSUB", "NUMSUB", CHANNEL).trim().split("\\s+");
        assertTrue(Integer.parseInt(answer[answer.length - 1]) >= 1, "nobody subscribes to " + CHANNEL);
    }

    static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }
}
