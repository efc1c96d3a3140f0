package dev.tokenledger.ledger;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.json.Json;
import dev.tokenledger.testing.Await;
import dev.tokenledger.testing.DurableLedger;
import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.LedgerRows;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger survives PostgreSQL going away: with the reactive datasource behind an in-process TCP proxy, the database
 * is cut off mid-load, requests keep being served, and once it is back the ledger holds exactly one row per served
 * request, with the tokens the clients were told. A spool left by a previous process is replayed once at start, and a
 * spool file replayed again adds nothing.
 */
@QuarkusTest
@TestProfile(DurableLedger.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerDurabilityTest {

    static final int N = 60;
    /** Requests answered before the cut; later ones wait until PostgreSQL is cut off. */
    static final int BEFORE_CUT = 20;
    /** The first requests of the cut, sent before the spool is replayed in vain at least once. */
    static final int FIRST_WAVE = 40;
    static final Duration LEDGER_WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL gateway;

    /** What the client of one request saw. */
    record Served(int index, String requestId, boolean streamed, long inputTokens, long outputTokens, int status) {
    }

    @AfterAll
    static void restoreDatabase() {
        if (DurableLedger.proxy() != null) {
            DurableLedger.proxy().restore();
        }
    }

    @Test
    @Order(1)
    void spoolLeftByAPreviousProcessIsReplayedOnceAtStart() throws Exception {
        waitFor("the left-behind spool file to be replayed", () -> rows(DurableLedger.LEFT_BEHIND_ID) == 1
                && DurableLedger.spoolFiles().isEmpty());
        assertEquals(List.of(DurableLedger.LEFT_BEHIND_INPUT, DurableLedger.LEFT_BEHIND_OUTPUT),
                tokens(DurableLedger.LEFT_BEHIND_ID));

        // The same row again (with other figures) in a replay file whose commit was lost, next to a new row: the
        // new row is written, the old one is neither duplicated nor overwritten.
        String fresh = "durable-second-file-" + UUID.randomUUID();
        DurableLedger.writeSpoolFile(DurableLedger.spoolDir().resolve("previous-process.1700000000000-2.replay"),
                List.of(DurableLedger.ledgerRowJson(DurableLedger.LEFT_BEHIND_ID, 999, 999),
                        DurableLedger.ledgerRowJson(fresh, 5, 6),
                        DurableLedger.ledgerRowJson(fresh, 5, 6)));
        waitFor("the second spool file to be replayed", () -> rows(fresh) == 1 && DurableLedger.spoolFiles().isEmpty());
        assertEquals(1, rows(DurableLedger.LEFT_BEHIND_ID));
        assertEquals(List.of(DurableLedger.LEFT_BEHIND_INPUT, DurableLedger.LEFT_BEHIND_OUTPUT),
                tokens(DurableLedger.LEFT_BEHIND_ID));
        assertEquals(List.of(5L, 6L), tokens(fresh));
    }

    @Test
    @Order(2)
    void databaseCutMidLoadLosesAndDuplicatesNothing() throws Exception {
        assertTrue(DurableLedger.spoolFiles().isEmpty(), "the spool is empty before the load");
        long startedAt = System.nanoTime();
        String key = GatewayCalls.newKey(null).key();
        for (int i = 0; i < N; i++) {
            stubUpstream(i);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        CountDownLatch answeredBeforeCut = new CountDownLatch(BEFORE_CUT);
        CountDownLatch cut = new CountDownLatch(1);
        CountDownLatch firstWaveAnswered = new CountDownLatch(FIRST_WAVE - BEFORE_CUT - 4);
        CountDownLatch replayedInVain = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<Served>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < N; i++) {
                int index = i;
                futures.add(clients.submit(() -> {
                    // the first 4 beyond BEFORE_CUT may be in flight when the cut comes
                    if (index >= BEFORE_CUT + 4) {
                        cut.await();
                    }
                    if (index >= FIRST_WAVE) {
                        replayedInVain.await();
                    }
                    Served served = send(http, key, index);
                    if (index < BEFORE_CUT) {
                        answeredBeforeCut.countDown();
                    } else if (index >= BEFORE_CUT + 4 && index < FIRST_WAVE) {
                        firstWaveAnswered.countDown();
                    }
                    return served;
                }));
            }
            assertTrue(answeredBeforeCut.await(30, TimeUnit.SECONDS), "requests before the cut were answered");
            long bootstrapMillis = (System.nanoTime() - startedAt) / 1_000_000;
            DurableLedger.proxy().cut();
            long cutAt = System.nanoTime();
            cut.countDown();

            assertTrue(firstWaveAnswered.await(30, TimeUnit.SECONDS), "requests during the cut were answered");
            long firstWave = FIRST_WAVE - BEFORE_CUT - 4;
            waitFor("the rows served during the cut to reach the spool", () -> DurableLedger.spooledLines() >= firstWave);
            // the periodic replay (every 2 s) moves the spool aside for replay, finds PostgreSQL still gone, and keeps it
            Thread.sleep(2500);
            assertTrue(DurableLedger.spoolFiles().stream().anyMatch(f -> f.toString().endsWith(".replay")),
                    "a replay was tried during the cut: " + DurableLedger.spoolFiles());
            assertTrue(DurableLedger.spooledLines() >= firstWave, "a failed replay keeps the spool");
            replayedInVain.countDown();

            List<Served> served = new ArrayList<>();
            for (Future<Served> f : futures) {
                served.add(f.get(30, TimeUnit.SECONDS));
            }
            for (Served s : served) {
                assertEquals(200, s.status(), "request " + s.index() + " was served");
                assertEquals(List.of(prompt(s.index()), completion(s.index())), List.of(s.inputTokens(), s.outputTokens()),
                        "request " + s.index() + " told the client the upstream's usage");
            }
            long servedDuringCut = N - BEFORE_CUT - 4;
            waitFor("every row served during the cut to reach the spool",
                    () -> DurableLedger.spooledLines() >= servedDuringCut);
            long spooled = DurableLedger.spooledLines();
            int refused = DurableLedger.proxy().refused();
            assertTrue(DurableLedger.proxy().isCut());
            // readiness stays up (the gateway keeps serving) but says the ledger is degraded and how much waits
            io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'ledger' }.data.state", org.hamcrest.Matchers.is("degraded"))
                    .body("checks.find { it.name == 'ledger' }.data.spooledRows",
                            org.hamcrest.Matchers.greaterThanOrEqualTo((int) servedDuringCut));
            long spooledAndWritten;
            try (Connection db = DurableLedger.db()) {
                assertEquals(0, count(db, "SELECT count(*) FROM usage_event WHERE request_id = ANY(?)",
                        ids(served.subList(BEFORE_CUT + 4, N))), "nothing served during the cut reached PostgreSQL");
                // rows whose insert was cut off after PostgreSQL took them: spooled anyway, the replay must skip them
                spooledAndWritten = count(db, "SELECT count(*) FROM usage_event WHERE request_id = ANY(?)",
                        spooledRequestIds());
            }
            long cutMillis = (System.nanoTime() - cutAt) / 1_000_000;

            DurableLedger.proxy().restore();
            long restoredAt = System.nanoTime();
            List<String> ids = served.stream().map(Served::requestId).toList();
            long expectedInput = served.stream().mapToLong(Served::inputTokens).sum();
            long expectedOutput = served.stream().mapToLong(Served::outputTokens).sum();
            waitFor("the ledger to hold every served request", () -> {
                try (Connection db = DurableLedger.db()) {
                    return count(db, "SELECT count(*) FROM usage_event WHERE request_id = ANY(?)", ids) == N
                            && DurableLedger.spoolFiles().isEmpty();
                }
            });
            long catchUpMillis = (System.nanoTime() - restoredAt) / 1_000_000;

            try (Connection db = DurableLedger.db();
                    PreparedStatement q = db.prepareStatement("SELECT count(*), count(DISTINCT request_id), "
                            + "sum(input_tokens), sum(output_tokens), count(*) FILTER (WHERE streamed) "
                            + "FROM usage_event WHERE key_id = (SELECT key_id FROM usage_event WHERE request_id = ?)")) {
                q.setString(1, ids.get(0));
                try (ResultSet rs = q.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(N, rs.getLong(1), "one row per served request of the key, no more");
                    assertEquals(N, rs.getLong(2), "no duplicate request ids");
                    assertEquals(expectedInput, rs.getLong(3), "input tokens as the clients were told");
                    assertEquals(expectedOutput, rs.getLong(4), "output tokens as the clients were told");
                    assertEquals(served.stream().filter(Served::streamed).count(), rs.getLong(5));
                }
                Map<String, List<Long>> ledger = new HashMap<>();
                try (PreparedStatement rows = db.prepareStatement(
                        "SELECT request_id, input_tokens, output_tokens FROM usage_event WHERE request_id = ANY(?)")) {
                    rows.setArray(1, db.createArrayOf("text", ids.toArray()));
                    try (ResultSet rs = rows.executeQuery()) {
                        while (rs.next()) {
                            ledger.put(rs.getString(1), List.of(rs.getLong(2), rs.getLong(3)));
                        }
                    }
                }
                for (Served s : served) {
                    assertEquals(List.of(s.inputTokens(), s.outputTokens()), ledger.get(s.requestId()),
                            "ledger row of request " + s.index());
                }
            }
            assertTrue(DurableLedger.spoolFiles().isEmpty(), "replayed spool files are deleted");
            System.out.printf("durability: key and first %d requests in %d ms; ", BEFORE_CUT, bootstrapMillis);
            System.out.printf("N=%d (streamed %d) served=%d rows=%d input=%d output=%d; cut %d ms, "
                    + "spooled %d rows (%d of them already in PostgreSQL), %d connections refused, ledger complete %d ms "
                    + "after the restore%n", N, served.stream().filter(Served::streamed).count(), served.size(), N,
                    expectedInput, expectedOutput, cutMillis, spooled, spooledAndWritten, refused, catchUpMillis);
        } finally {
            DurableLedger.proxy().restore();
            clients.shutdownNow();
        }
    }

    static boolean streamed(int i) {
        return i % 3 == 0;
    }

    static long prompt(int i) {
        return 10 + i;
    }

    static long cached(int i) {
        return streamed(i) ? i % 5 : 0;
    }

    static long completion(int i) {
        return 1 + (i * 7) % 13;
    }

    /** One upstream answer per request, told apart by the request's message, with figures of its own. */
    private static void stubUpstream(int i) {
        String usage = "{\"prompt_tokens\":" + prompt(i) + ",\"completion_tokens\":" + completion(i) + ",\"total_tokens\":"
                + (prompt(i) + completion(i)) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached(i) + "}}";
        String body;
        if (streamed(i)) {
            String chunk = "data: {\"id\":\"c" + i + "\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"gpt-4o-mini-2024-07-18\",";
            body = chunk + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                    + "\"finish_reason\":null}],\"usage\":null}\n\n"
                    + chunk + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello " + i + "\"},"
                    + "\"finish_reason\":null}],\"usage\":null}\n\n"
                    + chunk + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                    + chunk + "\"choices\":[],\"usage\":" + usage + "}\n\n"
                    + "data: [DONE]\n\n";
        } else {
            body = "{\"id\":\"chatcmpl-" + i + "\",\"object\":\"chat.completion\",\"created\":1741569952,"
                    + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"Hello " + i + "\"},\"finish_reason\":\"stop\"}],\"usage\":" + usage + "}";
        }
        Upstreams.wireMock().stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("\"" + message(i) + "\""))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", streamed(i) ? "text/event-stream" : "application/json")
                        .withBody(body)));
    }

    private static String message(int i) {
        return "durable request " + i;
    }

    private Served send(HttpClient http, String key, int i) throws Exception {
        String body = "{\"model\":\"gpt-test\",\"stream\":" + streamed(i)
                + (streamed(i) ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + message(i) + "\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.toString()).resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String requestId = response.headers().firstValue("x-request-id").orElse(null);
        if (response.statusCode() != 200) {
            return new Served(i, requestId, streamed(i), -1, -1, response.statusCode());
        }
        JsonNode usage = streamed(i) ? streamUsage(response.body()) : Json.MAPPER.readTree(response.body()).get("usage");
        assertTrue(usage != null && usage.isObject(), "request " + i + " told its usage: " + response.body());
        assertFalse(requestId == null || requestId.isEmpty(), "request " + i + " has an x-request-id");
        return new Served(i, requestId, streamed(i), usage.path("prompt_tokens").asLong(-1),
                usage.path("completion_tokens").asLong(-1), 200);
    }

    /** The usage chunk of an OpenAI stream asked for with stream_options.include_usage. */
    private static JsonNode streamUsage(String sse) throws Exception {
        JsonNode usage = null;
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                JsonNode chunk = Json.MAPPER.readTree(line.substring(6));
                if (chunk.hasNonNull("usage")) {
                    assertTrue(usage == null, "one usage chunk");
                    usage = chunk.get("usage");
                }
            }
        }
        return usage;
    }

    /** Request ids of the rows in the spool and replay files. */
    private static List<String> spooledRequestIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (var file : DurableLedger.spoolFiles()) {
            for (String line : Files.readAllLines(file)) {
                ids.add(Json.MAPPER.readTree(line.substring(9)).get("requestId").asText());
            }
        }
        return ids;
    }

    private static List<String> ids(List<Served> served) {
        return served.stream().map(Served::requestId).toList();
    }

    private static long count(Connection db, String sql, List<String> ids) throws Exception {
        try (PreparedStatement q = db.prepareStatement(sql)) {
            Array array = db.createArrayOf("text", ids.toArray());
            q.setArray(1, array);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long rows(String requestId) throws Exception {
        try (Connection db = DurableLedger.db()) {
            return count(db, "SELECT count(*) FROM usage_event WHERE request_id = ANY(?)", List.of(requestId));
        }
    }

    private static List<Object> tokens(String requestId) throws Exception {
        return LedgerRows.columns(DurableLedger.JDBC_URL, requestId, "input_tokens", "output_tokens");
    }

    private static void waitFor(String what, Await.Condition condition) throws Exception {
        Await.until(what, LEDGER_WAIT, Duration.ofMillis(100), condition, () -> "(spool: " + describeSpool() + ")");
    }

    private static String describeSpool() {
        try {
            List<String> files = new ArrayList<>();
            for (var f : DurableLedger.spoolFiles()) {
                files.add(f.getFileName() + "=" + Files.size(f) + "B");
            }
            return files + ", " + DurableLedger.spooledLines() + " lines";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
