package dev.tokenledger.ledger;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.tokenledger.testing.ConfigOverrides;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.usage.Durability;

import static dev.tokenledger.ledger.LedgerQuarantineTest.count;
import static dev.tokenledger.ledger.LedgerQuarantineTest.record;
import static dev.tokenledger.ledger.LedgerQuarantineTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger through its write-ahead log (the production default): the moment a client has a whole answer, its row is
 * forced to the log (or already in PostgreSQL); the rows reach PostgreSQL soon after, exactly once, several to a
 * transaction; the log's files go once their batch is written; a row PostgreSQL refuses is quarantined alone. The
 * SIGKILL case is GracefulShutdownIT's, on the packaged gateway.
 */
@QuarkusTest
@TestProfile(WriteAheadLedgerTest.WriteAhead.class)
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class WriteAheadLedgerTest {

    public static class WriteAhead extends ConfigOverrides {
        public WriteAhead() {
            // long enough that answers given one after another leave as one batch
            super(Map.of("tokenledger.ledger.write-ahead", "true", "tokenledger.ledger.write-ahead-interval", "400ms"));
        }
    }

    static final int REQUESTS = 12;

    @Inject
    LedgerWriter writer;

    @ConfigProperty(name = "tokenledger.ledger.spool-dir")
    String spoolDir;

    @Test
    void jsonAnswersAreLoggedBeforeTheClientHasThemAndWrittenOnceInBatches() throws Exception {
        answeredThenWritten(false);
    }

    @Test
    void streamedAnswersAreLoggedBeforeTheirLastEventAndWrittenOnceInBatches() throws Exception {
        answeredThenWritten(true);
    }

    private void answeredThenWritten(boolean stream) throws Exception {
        Upstreams.wireMock().resetAll();
        if (stream) {
            OpenAiFixtures.upstreamStreams();
        } else {
            OpenAiFixtures.upstreamCompletes();
        }
        List<String> ids = new ArrayList<>();
        int logOnly = 0;
        long mostLogged = 0;
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "")) {
            for (int i = 0; i < REQUESTS; i++) {
                Response answer = AnsweredIsDurableTest.chat("{\"model\":\"gpt-test\","
                        + (stream ? "\"stream\":true," : "") + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi " + i
                        + "\"}]}");
                assertEquals(200, answer.statusCode());
                answer.asString(); // the whole answer, through its last event
                String id = answer.header("x-request-id");
                ids.add(id);
                boolean inLedger = rows(db, id) == 1;
                boolean inLog = logged(id);
                assertTrue(inLedger || inLog, "answer " + i + " is neither in the log nor in the ledger");
                logOnly += inLedger ? 0 : 1;
                mostLogged = Math.max(mostLogged, writer.loggedRows());
            }
            assertTrue(logOnly > 0, "no answer completed before its row reached the ledger: the log was not used");
            assertTrue(mostLogged > 0, "the gauge of logged rows on their way showed none");
            for (String id : ids) {
                waitFor("row " + id + " in the ledger", () -> rowsOrFail(db, id) == 1);
            }
            assertTrue(transactions(db, ids) < ids.size(), "rows are written several to a transaction");
        }
        Thread.sleep(2500); // one replay period: nothing is written twice
        for (String id : ids) {
            assertEquals(1, count("SELECT count(*) FROM usage_event WHERE request_id = ?", id), id);
        }
        waitFor("the written rows' log files to go", () -> !logged(ids.get(0)));
        assertEquals(0, writer.spooledRows(), "nothing waits for a replay: the database was there all along");
        assertEquals(0, writer.loggedRows(), "every logged row is committed");
    }

    @Test
    void aRefusedRowIsQuarantinedAndTheRestOfItsBatchIsWritten() throws Exception {
        String tag = UUID.randomUUID().toString();
        List<CompletableFuture<Durability>> durable = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            durable.add(writer.record(record("log-quarantine-" + tag + "-" + i, i == 7 ? "x\u0000y" : "tenant"))
                    .toCompletableFuture());
        }
        List<CompletableFuture<Long>> committed = new ArrayList<>();
        for (CompletableFuture<Durability> d : durable) {
            Durability where = d.get(20, TimeUnit.SECONDS); // every answer completes: none waits on the bad row
            assertEquals(0, where.transaction(), "logged, not yet written");
            committed.add(where.committed().toCompletableFuture());
        }
        for (int i = 0; i < 20; i++) {
            long transaction = committed.get(i).get(20, TimeUnit.SECONDS);
            String id = "log-quarantine-" + tag + "-" + i;
            assertEquals(i == 7 ? 0 : 1, count("SELECT count(*) FROM usage_event WHERE request_id = ?", id), id);
            assertTrue(i == 7 || transaction > 0, "the transaction that wrote row " + i);
        }
        assertEquals(1, count("SELECT count(*) FROM ledger_dead_letter WHERE request_id = ? AND sqlstate LIKE '22%'",
                "log-quarantine-" + tag + "-7"));
    }

    /** Whether a log file (active, sealed or left for replay) holds the request's row. */
    private boolean logged(String requestId) {
        try (Stream<Path> files = Files.list(Path.of(spoolDir, "log"))) {
            String needle = "\"requestId\":\"" + requestId + "\"";
            return files.anyMatch(file -> {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8).contains(needle);
                } catch (java.io.IOException e) {
                    return false; // deleted meanwhile: written
                }
            });
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int rows(Connection db, String requestId) throws Exception {
        return AnsweredIsDurableTest.rows(db, requestId);
    }

    private static int rowsOrFail(Connection db, String requestId) {
        try {
            return rows(db, requestId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many transactions wrote the rows. */
    private static int transactions(Connection db, List<String> ids) throws Exception {
        try (PreparedStatement q = db.prepareStatement(
                "SELECT count(DISTINCT xmin::text) FROM usage_event WHERE request_id = ANY (?)")) {
            q.setArray(1, db.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
