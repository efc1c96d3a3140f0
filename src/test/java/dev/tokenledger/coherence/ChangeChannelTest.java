package dev.tokenledger.coherence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.testing.VirtualKey;

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
        VirtualKey key = GatewayCalls.newKey(null);
        given().header("Authorization", "Bearer " + key.key()).get("/v1/models").then().statusCode(200);

        // another replica revoked it: the row changed, then the announcement came
        String hash;
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement revoke = db.prepareStatement(
                        "UPDATE api_key SET status = 'revoked' WHERE id = ?::uuid RETURNING key_hash")) {
            revoke.setString(1, key.id());
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
        given().header("Authorization", "Bearer " + key.key()).get("/v1/models").then().statusCode(200);

        TestDb.redisCli("PUBLISH", CHANNEL, UUID.randomUUID() + "|KEY|" + hash);
        long start = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - start < 1_000_000_000L) {
            Thread.sleep(20);
            status = given().header("Authorization", "Bearer " + key.key()).get("/v1/models").statusCode();
        }
        assertEquals(401, status, "a key revoked on another replica was still served after a second");
    }

    @Test
    void everyReplicaListens() throws Exception {
        String[] answer = TestDb.redisCli("PUBSUB", "NUMSUB", CHANNEL).trim().split("\\s+");
        assertTrue(Integer.parseInt(answer[answer.length - 1]) >= 1, "nobody subscribes to " + CHANNEL);
    }
}
