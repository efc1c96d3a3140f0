package dev.tokenledger.credentials;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.coherence.StartupReads;
import dev.tokenledger.testing.LedgerRows;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stored credentials against the real PostgreSQL and Redis and a WireMock upstream: sealed at rest, never shown or
 * logged, pools that skip a rate-limited credential until its reset, ledger rows and usage by credential, KEK rotation
 * under traffic, and a wrong KEK refused at start-up.
 */
@QuarkusTest
@QuarkusTestResource(value = CredentialUpstreams.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CredentialPoolsTest {

    static final String SECRET_A = "sk-pool-aaaa-" + UUID.randomUUID();
    static final String SECRET_B = "sk-pool-bbbb-" + UUID.randomUUID();
    static final String SECRET_C = "sk-pool-cccc-" + UUID.randomUUID();
    static final String HEADER_SECRET = "hdr-secret-" + UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Every log record of the run, formatted. */
    static final ConcurrentLinkedQueue<String> LOGS = new ConcurrentLinkedQueue<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (record.getParameters() != null && message != null) {
                try {
                    message = String.format(message, record.getParameters()) + " " + java.util.Arrays.toString(record
                            .getParameters());
                } catch (RuntimeException e) {
                    message = message + " " + java.util.Arrays.toString(record.getParameters());
                }
            }
            LOGS.add(message + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static final Map<String, String> IDS = new HashMap<>();

    @Inject
    CredentialPools pools;

    @Inject
    CredentialStore store;

    @BeforeAll
    static void captureLogs() {
        Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void noSecretInLogs() {
        Logger.getLogger("").removeHandler(CAPTURE);
        for (String line : LOGS) {
            for (String secret : List.of(SECRET_A, SECRET_B, SECRET_C, HEADER_SECRET)) {
                assertFalse(line.contains(secret), "a secret reached the log: " + line);
            }
        }
        assertFalse(LOGS.isEmpty(), "the log capture saw nothing");
    }

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    static String create(String provider, String label, String apiKey, Map<String, String> headers) {
        Map<String, Object> body = new HashMap<>(Map.of("provider", provider, "label", label, "apiKey", apiKey));
        if (headers != null) {
            body.put("headers", headers);
        }
        Response created = admin().body(body).post("/admin/v1/credentials");
        created.then().statusCode(201);
        assertFalse(created.asString().contains(apiKey), "the create answer shows the secret");
        return created.jsonPath().getString("id");
    }

    static void stubKey(String provider, String model, String key, int status, String retryAfter) {
        var response = aResponse().withStatus(status).withHeader("Content-Type", "application/json");
        if (status == 200) {
            response.withBody(OpenAiFixtures.COMPLETION);
        } else {
            response.withBody(
                    "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}");
            if (retryAfter != null) {
                response.withHeader("Retry-After", retryAfter);
            }
        }
        CredentialUpstreams.server().stubFor(post("/" + provider + "/v1/chat/completions")
                .withHeader("Authorization", equalTo("Bearer " + key)).willReturn(response));
    }

    static int calls(String provider, String key) {
        return CredentialUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/" + provider
                + "/v1/chat/completions")).withHeader("Authorization", equalTo("Bearer " + key)).build()).getCount();
    }

    static Response chat(String model) {
        return admin().body(Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .post("/v1/chat/completions");
    }

    @Test
    @Order(1)
    void theTableHoldsNoPlaintextAndTheApiShowsOnlyMetadata() throws Exception {
        String id = create("pooled", "team-a", SECRET_A, Map.of("X-Extra", HEADER_SECRET));
        IDS.put("a", id);
        IDS.put("b", create("pooled", "team-b", SECRET_B, null));
        IDS.put("c", create("pooled", "team-c", SECRET_C, null));

        String list = admin().get("/admin/v1/credentials").then().statusCode(200).extract().asString();
        String one = admin().get("/admin/v1/credentials/" + id).then().statusCode(200).extract().asString();
        for (String answer : List.of(list, one)) {
            for (String secret : List.of(SECRET_A, SECRET_B, SECRET_C, HEADER_SECRET)) {
                assertFalse(answer.contains(secret), "an admin answer shows a secret: " + answer);
            }
        }
        assertTrue(list.contains("\"config:keyed\""), "the configured key is a read-only member: " + list);
        assertTrue(list.contains("\"new\""), "rows are wrapped by the active key: " + list);
        admin().delete("/admin/v1/credentials/config:keyed").then().statusCode(409);
        admin().body(Map.of("provider", "nope", "label", "x", "apiKey", "sk-x-123456")).post("/admin/v1/credentials")
                .then().statusCode(400).body("error.message", org.hamcrest.Matchers.containsString("Unknown provider"));

        // every column of every row, as bytes and as text
        int rows = 0;
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = db.prepareStatement("SELECT * FROM upstream_credential");
                ResultSet rs = q.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                rows++;
                for (int c = 1; c <= columns; c++) {
                    byte[] raw = rs.getBytes(c);
                    String text = rs.getString(c);
                    for (String secret : List.of(SECRET_A, SECRET_B, SECRET_C, HEADER_SECRET)) {
                        if (raw != null) {
                            assertFalse(contains(raw, secret.getBytes(StandardCharsets.UTF_8)), "column " + c);
                            assertFalse(contains(raw, Base64.getEncoder().encode(secret.getBytes(StandardCharsets.UTF_8))),
                                    "column " + c + " (base64)");
                        }
                        assertFalse(text != null && text.contains(secret), "column " + c + " as text");
                    }
                }
            }
        }
        assertEquals(3, rows);
    }

    @Test
    @Order(2)
    void aRateLimitedCredentialIsSkippedUntilItsResetAndTheOthersShareTheLoad() throws Exception {
        stubKey("pooled", "pool-model", SECRET_A, 429, "4");
        stubKey("pooled", "pool-model", SECRET_B, 200, null);
        stubKey("pooled", "pool-model", SECRET_C, 200, null);
        stubKey("spare", "spare-model", "sk-spare-000001", 200, null);
        List<String> requestIds = new ArrayList<>();
        // fill the pool's rotation until the rate-limited credential has answered its 429
        while (calls("pooled", SECRET_A) == 0) {
            Response r = chat("pooled");
            r.then().statusCode(200);
            requestIds.add(r.header("x-request-id"));
        }
        String cooldown = TestDb.redisCli("GET", "tokenledger:cooldown:credential:" + IDS.get("a")).trim();
        long until = Long.parseLong(cooldown.substring(0, cooldown.indexOf('|')));
        long left = until - System.currentTimeMillis();
        assertTrue(left > 0 && left <= 4_000, "cooled down until the upstream's reset, shared in Redis: " + left);
        int before = calls("pooled", SECRET_B) + calls("pooled", SECRET_C);
        int sent = 0;
        while (sent < 12 && System.currentTimeMillis() < until - 500) {
            Response r = chat("pooled");
            r.then().statusCode(200);
            requestIds.add(r.header("x-request-id"));
            sent++;
        }
        assertTrue(sent >= 2, "enough requests before the reset: " + sent);
        assertEquals(1, calls("pooled", SECRET_A), "a rate-limited credential is skipped until its reset");
        int b = calls("pooled", SECRET_B);
        int c = calls("pooled", SECRET_C);
        assertEquals(sent, b + c - before);
        assertTrue(Math.abs(b - c) <= 2, "the other two share the load: " + b + " / " + c);
        assertEquals(0, CredentialUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo(
                "/spare/v1/chat/completions")).build()).getCount(), "another credential comes before a fallback");

        Set<String> served = new HashSet<>();
        for (String requestId : requestIds) {
            served.add(credentialOf(requestId));
        }
        assertEquals(Set.of(IDS.get("b"), IDS.get("c")), served, "ledger rows name the serving credential");
        String lastError = admin().get("/admin/v1/credentials/" + IDS.get("a")).then().statusCode(200).extract()
                .jsonPath().getString("lastError");
        assertNotNull(lastError);

        // after the reset, the credential serves again
        Thread.sleep(Math.max(0, until + 200 - System.currentTimeMillis()));
        stubKey("pooled", "pool-model", SECRET_A, 200, null);
        for (int i = 0; i < 6; i++) {
            chat("pooled").then().statusCode(200);
        }
        assertTrue(calls("pooled", SECRET_A) >= 2, "back in the pool after its reset");

        // usage grouped by credential
        String usage = admin().get("/admin/v1/usage?groupBy=credential").then().statusCode(200).extract().asString();
        assertTrue(usage.contains(IDS.get("b")) && usage.contains(IDS.get("c")), usage);
        List<Map<String, Object>> byCredential = io.restassured.path.json.JsonPath.from(usage).getList("$");
        assertTrue(byCredential.stream().anyMatch(g -> IDS.get("b").equals(g.get("group")) && "team-b".equals(g.get("name"))),
                "credentials are named by their label: " + usage);
    }

    @Test
    @Order(3)
    void disabledAndDeletedCredentialsLeaveThePoolWithoutRestart() {
        admin().body(Map.of("status", "disabled")).patch("/admin/v1/credentials/" + IDS.get("b")).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("disabled"));
        admin().delete("/admin/v1/credentials/" + IDS.get("c")).then().statusCode(204);
        int before = calls("pooled", SECRET_B) + calls("pooled", SECRET_C);
        for (int i = 0; i < 4; i++) {
            chat("pooled").then().statusCode(200);
        }
        assertEquals(before, calls("pooled", SECRET_B) + calls("pooled", SECRET_C));
    }

    @Test
    @Order(4)
    void kekRotationRewrapsEveryRowWhileRequestsKeepFlowing() throws Exception {
        KeyEncryption old = new KeyEncryption(Map.of("old", new SecretKeySpec(CredentialUpstreams.OLD_KEK, "AES")), "old");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String key = "sk-rotated-" + i + "-" + UUID.randomUUID();
            keys.add(key);
            UUID id = UUID.randomUUID();
            store.insert(id, "keyed", "old-" + i, CredentialKind.API_KEY,
                    old.seal(id, "keyed", CredentialPools.encode(new Secret(key, Map.of())))).await().atMost(WAIT);
            stubKey("keyed", "rot-model", key, 200, null);
        }
        stubKey("keyed", "rot-model", CredentialUpstreams.CONFIGURED_KEY, 200, null);
        pools.credentialsChanged().await().atMost(WAIT);

        AtomicBoolean running = new AtomicBoolean(true);
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread traffic = new Thread(() -> {
            while (running.get()) {
                statuses.add(chat("keyed/rot-model").statusCode());
            }
        });
        traffic.start();
        Thread.sleep(300);
        Response rewrap = admin().post("/admin/v1/credentials/rewrap");
        rewrap.then().statusCode(200);
        Thread.sleep(300);
        running.set(false);
        traffic.join();

        assertEquals(3, rewrap.jsonPath().getInt("rewrapped"));
        assertEquals("new", rewrap.jsonPath().getString("kekId"));
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                ResultSet rs = db.createStatement().executeQuery("SELECT DISTINCT kek_id FROM upstream_credential")) {
            assertTrue(rs.next());
            assertEquals("new", rs.getString(1));
            assertFalse(rs.next(), "every row is wrapped by the active key");
        }
        assertFalse(statuses.isEmpty());
        assertTrue(statuses.stream().allMatch(s -> s == 200), "requests flow during the rotation: " + statuses);
        // the rows still open, now with the new key only: every rotated key serves
        pools.credentialsChanged().await().atMost(WAIT);
        for (int i = 0; i < 8; i++) {
            chat("keyed/rot-model").then().statusCode(200);
        }
        for (String key : keys) {
            assertTrue(calls("keyed", key) > 0, "every rotated credential serves");
        }
        assertTrue(calls("keyed", CredentialUpstreams.CONFIGURED_KEY) > 0, "the configured key is a pool member");
    }

    @Test
    @Order(5)
    void aWrongKekFailsStartUpNamingTheKeyIdNeverTheKey() {
        byte[] other = CredentialUpstreams.bytes(9);
        KeyEncryption wrong = new KeyEncryption(Map.of("new", new SecretKeySpec(other, "AES")), "new");
        UUID id = UUID.randomUUID();
        store.insert(id, "keyed", "wrong", CredentialKind.API_KEY,
                wrong.seal(id, "keyed", CredentialPools.encode(new Secret("sk-wrong-kek-123456", Map.of()))))
                .await().atMost(WAIT);
        try {
            StartupReads reads = new StartupReads();
            pools.start(null, reads);
            IllegalStateException failure = assertThrows(IllegalStateException.class, () -> reads.awaitAll(null));
            String message = failure.getMessage();
            assertTrue(message.contains("'new'") && message.contains("does not unwrap"), message);
            for (byte[] key : List.of(other, CredentialUpstreams.NEW_KEK, CredentialUpstreams.OLD_KEK)) {
                assertFalse(message.contains(Base64.getEncoder().encodeToString(key)), "the message shows a key");
            }
        } finally {
            store.delete(id).await().atMost(WAIT);
        }
    }

    private static String credentialOf(String requestId) throws Exception {
        Object credential = LedgerRows.await(requestId).get("credential_id");
        return credential == null ? null : credential.toString();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer : for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
