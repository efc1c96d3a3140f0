package dev.tokenledger.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.auth.VirtualKeys;
import dev.tokenledger.json.Json;
import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input against the running gateway, as an attacker would send it: ten thousand distinct model names and a
 * hundred thousand forged well-formed keys (heap and {@code /q/metrics} stay flat), NUL, newline, right-to-left override and overlong values in every client string
 * (400 in each endpoint's error shape, nothing reaches the ledger, another tenant's rows commit), a model name built
 * to leave Gemini's URL path, fifty 10 MB bodies and fifty trickled bodies at once (413 and 408 in shape, no
 * OutOfMemoryError, liveness answers), an unreachable upstream's host never named to the client, and token counting taking a request of the
 * key's rate.
 */
@QuarkusTest
class HostileInputTest {

    static final String CHAT = "/v1/chat/completions";

    @TestHTTPResource("/")
    URL gateway;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void upstreamAnswers() {
        Upstreams.wireMock().resetAll();
        Upstreams.wireMock().stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        Upstreams.wireMock().stubFor(post(urlMatching("/v1beta/models/.*")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"candidates\":[{\"content\":{\"role\":\"model\","
                        + "\"parts\":[{\"text\":\"Hi\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":"
                        + "{\"promptTokenCount\":3,\"candidatesTokenCount\":1,\"totalTokenCount\":4}}")));
    }

    @Test
    void tenThousandDistinctModelNamesLeaveHeapAndMetricsFlat() throws Exception {
        chats("warm", 1_000);
        Upstreams.wireMock().resetRequests();
        long metricsBefore = metricsSize();
        long heapBefore = heapAfterGc();

        chats("hostile", 10_000);
        Upstreams.wireMock().resetRequests(); // WireMock's journal lives in this JVM too

        long heapAfter = heapAfterGc();
        long metricsAfter = metricsSize();
        // before the bound: ~25 KB of heap and ~4 KB of /q/metrics per distinct name (250 MB and 40 MB here)
        assertTrue(heapAfter - heapBefore < 48L << 20,
                "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB over 10,000 model names");
        assertTrue(metricsAfter - metricsBefore < 32 << 10,
                "/q/metrics grew from " + metricsBefore + " to " + metricsAfter + " bytes");
        String metrics = given().get("/q/metrics").asString();
        assertFalse(metrics.contains("hostile-"), "no meter names a client's model");
        assertTrue(metrics.contains("gen_ai_request_model=\"other\""), "unknown models share the label 'other'");
    }

    @Test
    void oneHundredThousandForgedKeysLeaveHeapAndMetricsFlat() throws Exception {
        forged(1_000);
        long metricsBefore = metricsSize();
        long heapBefore = heapAfterGc();

        forged(100_000);

        long heapAfter = heapAfterGc();
        long metricsAfter = metricsSize();
        System.out.printf("forged keys: heap %d → %d MB, /q/metrics %d → %d bytes%n", heapBefore >> 20, heapAfter >> 20,
                metricsBefore, metricsAfter);
        // before the bound every forged key stayed cached (and cost a lookup each time it came back): +18 MB here;
        // bounded, +3 MB
        assertTrue(heapAfter - heapBefore < 10L << 20,
                "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB over 100,000 forged keys");
        assertTrue(metricsAfter - metricsBefore < 32 << 10,
                "/q/metrics grew from " + metricsBefore + " to " + metricsAfter + " bytes");
    }

    /**
     * Sends {@code n} chat requests, each with another well-formed key that was never issued: each one is 401, or 503
     * in shape when its lookup outlasted {@code lookup-timeout} on a saturated machine (never served, never 500).
     */
    private void forged(int n) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger unverified = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        String[] sample = new String[1];
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        String body = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            HttpRequest forged = HttpRequest.newBuilder(URI.create(base() + CHAT)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + VirtualKeys.generate()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            all.add(http.sendAsync(forged, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                inFlight.release();
                if (e == null && r.statusCode() == 503 && r.body().contains("\"service_unavailable\"")) {
                    unverified.incrementAndGet();
                } else if (e != null || r.statusCode() != 401) {
                    other.incrementAndGet();
                    sample[0] = e != null ? e.toString() : r.statusCode() + " " + r.body();
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(10, TimeUnit.MINUTES);
        assertEquals(0, other.get(), "forged keys answered other than 401 (or 503), e.g. " + sample[0]);
        assertTrue(unverified.get() <= n / 100, unverified.get() + " forged keys could not be verified in time");
    }

    /** Sends {@code n} chat requests, each naming another model of provider {@code mock}; every one is served. */
    private void chats(String prefix, int n) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            String body = "{\"model\":\"mock/" + prefix + "-" + i + "-" + UUID.randomUUID() + "\",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"Hi\"}],\"max_tokens\":5}";
            all.add(http.sendAsync(request(CHAT, body), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                inFlight.release();
                if (e != null || r.statusCode() != 200) {
                    failed.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(10, TimeUnit.MINUTES);
        assertEquals(0, failed.get(), "requests not answered 200");
    }

    /** An end-user id or model past the edge: each endpoint, each client string, each hostile value. */
    record Case(String name, String path, String shape, String body) {
    }

    @Test
    void controlDirectionAndOverlongValuesAreRefusedInEveryFieldAndTheLedgerStaysIntact() throws Exception {
        long deadLettersBefore = count("SELECT count(*) FROM ledger_dead_letter", null);
        List<Case> cases = new ArrayList<>();
        for (String bad : List.of("x\u0000y", "x\ny", "x\r\nINFO forged", "evil\u202Etxt", "a\u2028b",
                "u".repeat(1_100))) {
            String v = Json.MAPPER.writeValueAsString(bad);
            String m = Json.MAPPER.writeValueAsString(bad.length() > 250 ? "m".repeat(250) : "gpt-test" + bad);
            String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
            cases.add(new Case("chat user", CHAT, "openai", "{\"model\":\"gpt-test\"," + msgs + ",\"user\":" + v + "}"));
            cases.add(new Case("chat model", CHAT, "openai", "{\"model\":" + m + "," + msgs + "}"));
            cases.add(new Case("responses user", "/v1/responses", "openai",
                    "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"user\":" + v + "}"));
            cases.add(new Case("responses model", "/v1/responses", "openai", "{\"model\":" + m + ",\"input\":\"Hi\"}"));
            cases.add(new Case("completions user", "/v1/completions", "openai",
                    "{\"model\":\"gpt-test\",\"prompt\":\"Hi\",\"user\":" + v + "}"));
            cases.add(new Case("completions model", "/v1/completions", "openai", "{\"model\":" + m + ",\"prompt\":\"Hi\"}"));
            cases.add(new Case("embeddings user", "/v1/embeddings", "openai",
                    "{\"model\":\"gpt-test\",\"input\":\"Hi\",\"user\":" + v + "}"));
            cases.add(new Case("embeddings model", "/v1/embeddings", "openai", "{\"model\":" + m + ",\"input\":\"Hi\"}"));
            cases.add(new Case("messages user", "/v1/messages", "anthropic", "{\"model\":\"claude-test\",\"max_tokens\":5,"
                    + msgs + ",\"metadata\":{\"user_id\":" + v + "}}"));
            cases.add(new Case("messages model", "/v1/messages", "anthropic",
                    "{\"model\":" + m + ",\"max_tokens\":5," + msgs + "}"));
            cases.add(new Case("count_tokens model", "/v1/messages/count_tokens", "anthropic",
                    "{\"model\":" + m + "," + msgs + "}"));
            cases.add(new Case("ollama model", "/api/chat", "ollama", "{\"model\":" + m + "," + msgs + ",\"stream\":false}"));
            String path = URLEncoder.encode(bad.length() > 250 ? "m".repeat(250) : "gemini-test" + bad,
                    StandardCharsets.UTF_8).replace("+", "%20");
            cases.add(new Case("gemini model", "/v1beta/models/" + path + ":generateContent", "gemini",
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"));
            cases.add(new Case("admin org name", "/admin/v1/orgs", "admin", "{\"name\":" + v + "}"));
        }
        for (Case c : cases) {
            HttpResponse<String> answer = http.send(request(c.path(), c.body()), HttpResponse.BodyHandlers.ofString());
            String context = c.name() + " ← " + c.body().substring(0, Math.min(120, c.body().length())) + " → "
                    + answer.statusCode() + " " + answer.body();
            assertEquals(400, answer.statusCode(), context);
            assertShape(c.shape(), 400, answer.body(), context);
        }
        assertEquals(List.of(), Upstreams.wireMock().getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList(),
                "no hostile value reached an upstream");

        // another tenant's request right after: served and in the ledger; nothing was quarantined, the edge refused it all
        HttpResponse<String> fine = http.send(request(CHAT, "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"user\":\"tenant-b ✓\"}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, fine.statusCode(), fine.body());
        String id = fine.headers().firstValue("x-request-id").orElseThrow();
        waitFor(() -> count("SELECT count(*) FROM usage_event WHERE request_id = ? AND end_user = 'tenant-b ✓'", id) == 1);
        assertEquals(deadLettersBefore, count("SELECT count(*) FROM ledger_dead_letter", null));
    }

    @Test
    void aModelNameCannotLeaveGeminisUrlPath() throws Exception {
        for (String model : List.of("gmock/../../v1/files?alt=media#", "gmock/x/../../y", "gmock/x?key=1",
                "gmock/x#frag", "gmock/%2e%2e/x")) {
            HttpResponse<String> answer = http.send(request(CHAT, "{\"model\":" + Json.MAPPER.writeValueAsString(model)
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, answer.statusCode(), model + " → " + answer.body());
        }
        assertTrue(Upstreams.wireMock().getAllServeEvents().isEmpty(), "nothing reached the provider host");
        // what passes the edge stays one encoded path segment
        HttpResponse<String> answer = http.send(request(CHAT, "{\"model\":\"gmock/a:countTokens@b\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Hi\"}]}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        var served = Upstreams.wireMock().getAllServeEvents();
        assertEquals(1, served.size());
        assertEquals("/v1beta/models/a%3AcountTokens%40b:generateContent", served.get(0).getRequest().getUrl());
    }

    /** Where the oversized and trickled bodies go, in turn: one endpoint of each error shape. */
    static final List<String[]> BODY_TARGETS = List.of(new String[]{CHAT, "openai"},
            new String[]{"/v1/messages", "anthropic"}, new String[]{"/v1/messages/count_tokens", "anthropic"},
            new String[]{"/v1beta/models/gemini-test:generateContent", "gemini"},
            new String[]{"/admin/v1/orgs", "admin"});

    @Test
    void fiftyLargeAndFiftyTrickledBodiesAre413And408InShapeAndTheGatewayLives() throws Exception {
        int port = gateway.getPort();
        // 10 MiB and a little more: above the default limit too, not only this profile's 64 KiB
        byte[] tenMegabytes = ("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "a".repeat(10 << 20) + "\"}]}").getBytes(StandardCharsets.US_ASCII);
        byte[] small = "{\"model\":\"claude-test\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"
                .getBytes(StandardCharsets.US_ASCII);
        long heapBefore = heapAfterGc();
        HeapPeak peak = new HeapPeak();
        ExecutorService pool = Executors.newFixedThreadPool(150);
        try {
            List<String[]> targets = new ArrayList<>();
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String[] target = BODY_TARGETS.get(i % BODY_TARGETS.size());
                // a declared 10 MB body, sent in full
                targets.add(target);
                answers.add(pool.submit(() -> raw(port, target[0], tenMegabytes, false, 0)));
                // the same without a declared length (chunked): cut while it streams in
                targets.add(target);
                answers.add(pool.submit(() -> raw(port, target[0], tenMegabytes, true, 0)));
                // a small body that trickles in, 5 bytes a second (complete after the read timeout); chunked in turn
                targets.add(target);
                boolean chunkedTrickle = i % 2 == 1;
                answers.add(pool.submit(() -> raw(port, target[0], small, chunkedTrickle, 5)));
            }
            int tooLarge = 0;
            int timedOut = 0;
            for (int i = 0; i < answers.size(); i++) {
                String answer = answers.get(i).get(2, TimeUnit.MINUTES);
                String[] target = targets.get(i);
                String context = target[0] + (i % 3 == 1 ? " (chunked)" : "") + " → "
                        + answer.substring(0, Math.min(600, answer.length()));
                assertTrue(answer.startsWith("HTTP/1.1 "), context);
                int status = Integer.parseInt(answer.substring(9, 12));
                assertEquals(i % 3 == 2 ? 408 : 413, status, context);
                assertShape(target[1], status, dechunk(answer), context);
                tooLarge += status == 413 ? 1 : 0;
                timedOut += status == 408 ? 1 : 0;
            }
            assertEquals(100, tooLarge);
            assertEquals(50, timedOut);
        } finally {
            pool.shutdownNow();
            peak.stop();
        }
        given().get("/q/health/live").then().statusCode(200);
        HttpResponse<String> fine = http.send(request(CHAT, "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, fine.statusCode(), fine.body());
        long heapAfter = heapAfterGc();
        // 100 bodies of 10 MiB are 1 GiB; read in full they would be several times that in heap. The client side of
        // this test holds one 10 MiB array and 150 sockets' buffers.
        System.out.printf("bodies: heap %d MB before, at most %d MB held while answering, %d MB after%n",
                heapBefore >> 20, peak.max() >> 20, heapAfter >> 20);
        // Holding the bodies would take over 1 GiB at once; what the process held after each collection while it
        // answered stays far below that, and what stays afterwards is checked below.
        assertTrue(peak.max() - heapBefore < 768L << 20, "the heap held " + ((peak.max() - heapBefore) >> 20)
                + " MB more than before the bodies");
        assertTrue(heapAfter - heapBefore < 32L << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB");
    }

    @Test
    void aChunkedBodyWithinTheLimitReachesItsEndpoint() throws Exception {
        int port = gateway.getPort();
        String chat = raw(port, CHAT, ("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "a".repeat(60_000) + "\"}]}").getBytes(StandardCharsets.US_ASCII), true, 0);
        assertTrue(chat.startsWith("HTTP/1.1 200"), chat.substring(0, Math.min(600, chat.length())));
        String admin = raw(port, "/admin/v1/orgs", ("{\"name\":\"chunked-" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.US_ASCII), true, 0);
        assertTrue(admin.startsWith("HTTP/1.1 201"), admin.substring(0, Math.min(600, admin.length())));
        assertTrue(dechunk(admin).contains("\"id\""), admin);
    }

    /** The most heap in use, sampled every 20 ms until stopped. */
    /**
     * The most heap in use right after a collection while it runs: what the process held, not garbage awaiting a late
     * collection (in a long test JVM with a multi-GB maximum heap G1 collects late, so heap in use between collections
     * is mostly garbage). Read from the collectors' notifications; with no collection at all, the most heap in use
     * sampled, an upper bound of what was held.
     */
    static final class HeapPeak {
        private volatile boolean running = true;
        private volatile long sampled;
        private final AtomicLong afterCollection = new AtomicLong(-1);
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final NotificationListener listener = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                GcInfo info = GarbageCollectionNotificationInfo
                        .from((CompositeData) notification.getUserData()).getGcInfo();
                long used = info.getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum();
                afterCollection.accumulateAndGet(used, Math::max);
            }
        };
        private final Thread sampler = new Thread(() -> {
            while (running) {
                sampled = Math.max(sampled, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        HeapPeak() {
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (collector instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    emitters.add(emitter);
                }
            }
            sampler.setDaemon(true);
            sampler.start();
        }

        void stop() throws Exception {
            running = false;
            sampler.join();
            for (NotificationEmitter emitter : emitters) {
                emitter.removeNotificationListener(listener);
            }
        }

        long max() {
            long collected = afterCollection.get();
            return collected < 0 ? sampled : collected;
        }
    }

    @Test
    void anUnreachableUpstreamsHostNeverReachesTheClient() throws Exception {
        for (String provider : List.of("unresolvable", "refused")) {
            List<Case> cases = List.of(
                    new Case("chat", CHAT, "openai", "{\"model\":\"" + provider + "/m\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Hi\"}]}"),
                    new Case("chat stream", CHAT, "openai", "{\"model\":\"" + provider + "/m\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                    new Case("messages", "/v1/messages", "anthropic", "{\"model\":\"" + provider + "/m\",\"max_tokens\":5,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
            for (Case c : cases) {
                HttpResponse<String> answer = http.send(request(c.path(), c.body()), HttpResponse.BodyHandlers.ofString());
                String context = provider + " " + c.name() + " → " + answer.statusCode() + " " + answer.body();
                assertTrue(answer.statusCode() >= 500 && answer.statusCode() != 500, context);
                for (String leak : List.of("upstream-host", ".invalid", "127.0.0.1", "localhost", ":1", "Exception")) {
                    assertFalse(answer.body().contains(leak), "'" + leak + "' in " + context);
                }
                if (answer.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
                    assertShape(c.shape(), answer.statusCode(), answer.body(), context);
                }
            }
        }
    }

    @Test
    void tokenCountingTakesARequestOfTheKeysRate() throws Exception {
        String[] key = GatewayCalls.virtualKey("{\"rpm\":3}");
        int[] statuses = new int[5];
        for (int i = 0; i < statuses.length; i++) {
            HttpRequest count = HttpRequest.newBuilder(URI.create(base() + "/v1/messages/count_tokens"))
                    .header("x-api-key", key[1]).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Hi\"}]}"))
                    .build();
            HttpResponse<String> answer = http.send(count, HttpResponse.BodyHandlers.ofString());
            statuses[i] = answer.statusCode();
            if (answer.statusCode() == 429) {
                assertShape("anthropic", 429, answer.body(), answer.body());
            }
        }
        assertEquals(3, java.util.Arrays.stream(statuses).filter(s -> s == 200).count(), java.util.Arrays.toString(statuses));
        assertEquals(2, java.util.Arrays.stream(statuses).filter(s -> s == 429).count(), java.util.Arrays.toString(statuses));
    }

    /**
     * One request on a raw socket: headers, then the body (chunked, or at {@code bytesPerSecond} when positive, else
     * as fast as it goes) while the answer is read; the answer as text (headers and body).
     */
    static String raw(int port, String path, byte[] body, boolean chunked, int bytesPerSecond) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(90_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + OpenAiFixtures.MASTER
                    + "\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    int step = bytesPerSecond > 0 ? bytesPerSecond : 64 * 1024;
                    // a 10 MB body goes out as fast as the loopback takes it, chunked or not
                    for (int at = 0; at < body.length; at += step) {
                        int n = Math.min(step, body.length - at);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(body, at, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.flush();
                        if (bytesPerSecond > 0) {
                            Thread.sleep(1000);
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException | InterruptedException e) {
                    // the gateway answered and closed the connection: the rest is not wanted
                }
            });
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0;) {
                    answer.write(buffer, 0, n);
                    if (complete(answer.toString(StandardCharsets.UTF_8))) {
                        break;
                    }
                }
            } catch (IOException e) {
                // a reset after the answer arrived
            }
            writer.interrupt();
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether an HTTP answer is complete: its declared length arrived, or its last chunk. */
    private static boolean complete(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = answer.substring(0, end).toLowerCase();
        int at = head.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\n', at) < 0
                    ? head.length()
                    : head.indexOf('\n', at)).trim());
            return answer.length() - end - 4 >= length;
        }
        return answer.endsWith("0\r\n\r\n");
    }

    /** The body of a raw answer, chunked or not. */
    private static String dechunk(String answer) {
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase();
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        if (!head.contains("transfer-encoding: chunked")) {
            return body;
        }
        StringBuilder sb = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) {
                return sb.toString();
            }
            sb.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    static void assertShape(String shape, int status, String body, String context) {
        JsonNode error = Json.tryParseObject(body.getBytes(StandardCharsets.UTF_8));
        assertTrue(error != null, "a JSON error body: " + context);
        switch (shape) {
            case "openai", "admin" -> assertTrue(error.path("error").path("message").isTextual(), context);
            case "anthropic" -> {
                assertEquals("error", error.path("type").asText(), context);
                assertTrue(error.path("error").path("message").isTextual(), context);
            }
            case "gemini" -> {
                assertEquals(status, error.path("error").path("code").asInt(), context);
                assertTrue(error.path("error").path("status").isTextual(), context);
            }
            case "ollama" -> assertTrue(error.path("error").isTextual(), context);
            default -> throw new IllegalArgumentException(shape);
        }
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + OpenAiFixtures.MASTER).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private long metricsSize() {
        return given().get("/q/metrics").asByteArray().length;
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long count(String sql, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement s = c.prepareStatement(sql)) {
            if (arg != null) {
                s.setString(1, arg);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void waitFor(Check condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.holds()) {
            assertFalse(System.nanoTime() > deadline, "timed out");
            Thread.sleep(100);
        }
    }

    private String base() {
        String url = gateway.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
