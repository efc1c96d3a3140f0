package dev.tokenledger.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.testing.OpenAiFixtures.MASTER;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An answer is complete only once its usage is durable: the moment a client has read a whole answer (JSON or stream),
 * its ledger row is already in PostgreSQL, so a replica that crashes right after answering loses no metered request.
 * Checked without any waiting, request after request (rows written in the background would be missed).
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AnsweredIsDurableTest {

    static final int REQUESTS = 15;

    @BeforeEach
    void reset() {
        Upstreams.wireMock().resetAll();
    }

    @Test
    void aJsonAnswerIsInTheLedgerWhenTheClientHasIt() throws Exception {
        OpenAiFixtures.upstreamCompletes();
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "")) {
            for (int i = 0; i < REQUESTS; i++) {
                Response answer = chat("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi " + i
                        + "\"}]}");
                assertEquals(200, answer.statusCode());
                assertEquals(1, rows(db, answer.header("x-request-id")), "answer " + i + " is in the ledger");
            }
        }
    }

    @Test
    void aStreamedAnswerIsInTheLedgerWhenTheClientHasItsLastEvent() throws Exception {
        OpenAiFixtures.upstreamStreams();
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "")) {
            for (int i = 0; i < REQUESTS; i++) {
                Response answer = chat("{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi " + i + "\"}]}");
                assertEquals(200, answer.statusCode());
                answer.asString(); // the whole stream, through its last event
                assertEquals(1, rows(db, answer.header("x-request-id")), "stream " + i + " is in the ledger");
            }
        }
    }

    static Response chat(String body) {
        return given().header("Authorization", "Bearer " + MASTER).contentType("application/json").body(body)
                .post("/v1/chat/completions");
    }

    static int rows(Connection db, String requestId) throws Exception {
        try (PreparedStatement q = db.prepareStatement("SELECT count(*) FROM usage_event WHERE request_id = ?")) {
            q.setString(1, requestId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
