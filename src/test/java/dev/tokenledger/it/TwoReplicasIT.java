package dev.tokenledger.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.tokenledger.json.Json;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.PackagedGateway;
import dev.tokenledger.testing.PackagedGateway.Replica;
import dev.tokenledger.testing.Replicas;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.UpstreamConfig;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged gateway processes on one Redis and one PostgreSQL enforce one request rate and one budget as one
 * process would; the holds of a replica killed mid-request expire with their TTL instead of blocking the budget; a
 * Responses conversation stored by one continues on the other.
 */
class TwoReplicasIT {

    static final String COMPLETION = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"length\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":100,\"total_tokens\":105}}";

    /** A prompt whose gateway estimate is {@link #ESTIMATE} tokens (o200k: framing, role and text). */
    static final String PROMPT = "Please summarise the attached quarterly report and list the three largest cost "
            + "drivers, with a short explanation for each one.";
    static final long ESTIMATE = 3 + 3 + o200k("user") + o200k(PROMPT);
    /** What the Anthropic upstream reports: 30 % more prompt tokens than the estimate. */
    static final long REPORTED = (long) Math.ceil(ESTIMATE * 1.3);
    static final String ANTHROPIC = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-factor\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
            + "\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":%d,\"output_tokens\":10}}";

    static long o200k(String text) {
        return com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE).countTokensOrdinary(text);
    }

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Replicas replicas = new Replicas();
    WireMockServer upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = UpstreamConfig.completing(256, COMPLETION);
        upstream.stubFor(post("/v1/chat/completions").withRequestBody(matchingJsonPath("$.model", equalTo("slow-model")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withFixedDelay(30_000).withBody(COMPLETION)));
        upstream.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(ANTHROPIC.formatted(REPORTED))));
        replicas.start(2, this::launch);
    }

    @AfterEach
    void stop() throws Exception {
        replicas.kill();
        upstream.stop();
    }

    Replica launch(Path spool) throws IOException {
        // an Anthropic-type provider on the same upstream, for the prompt-factor case (with one configured, the OpenAI
        // provider of the environment variables must be configured too, as the default)
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("tokenledger.providers.openai.type", "openai");
        properties.put("tokenledger.providers.openai.base-url", upstream.baseUrl() + "/v1");
        properties.put("tokenledger.providers.openai.api-key", "sk-upstream-test");
        properties.put("tokenledger.default-provider", "openai");
        properties.put("tokenledger.providers.claude-up.type", "anthropic");
        properties.put("tokenledger.providers.claude-up.base-url", upstream.baseUrl());
        properties.put("tokenledger.providers.claude-up.api-key", "sk-upstream-test");
        return PackagedGateway.replica(upstream.baseUrl(), spool, Map.of(
                "TOKENLEDGER_ADMISSION_LIMITS_REFRESH", "300ms",
                "TOKENLEDGER_LEDGER_PRICE_REFRESH", "1s", // prices set through the other replica
                "TOKENLEDGER_ADMISSION_HOLD_TTL", "15s",
                // a busy machine answers a key lookup slowly: that is not the outage these cases are about
                "TOKENLEDGER_KEYS_LOOKUP_TIMEOUT", "30s"), properties);
    }

    HttpResponse<String> admin(String method, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicas.port(0) + path))
                .header("Authorization", "Bearer " + OpenAiFixtures.MASTER).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    String created(String path, String json, String field) throws Exception {
        HttpResponse<String> r = admin("POST", path, json);
        assertEquals(201, r.statusCode(), r.body());
        return Json.parseObject(r.body().getBytes()).get(field).asText();
    }

    /** A key of a fresh organization, with limits. */
    String[] key(String limits) throws Exception {
        String org = created("/admin/v1/orgs", "{\"name\":\"replicas-" + System.nanoTime() + "\"}", "id");
        String team = created("/admin/v1/teams", "{\"name\":\"t\",\"orgId\":\"" + org + "\"}", "id");
        HttpResponse<String> key = admin("POST", "/admin/v1/keys", "{\"name\":\"k\",\"teamId\":\"" + team + "\"}");
        var node = Json.parseObject(key.body().getBytes());
        String keyId = node.get("id").asText();
        assertEquals(200, admin("PUT", "/admin/v1/limits/key/" + keyId, limits).statusCode());
        return new String[]{keyId, node.get("key").asText()};
    }

    /** {@code perReplica} requests to each replica, all at once. */
    List<HttpResponse<String>> burst(String key, String model, int perReplica) {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < perReplica; i++) {
            for (int port : replicas.ports()) {
                futures.add(client.sendAsync(chat(port, key, model), HttpResponse.BodyHandlers.ofString()));
            }
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    HttpRequest chat(int port, String key, String model) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
    }

    static long ok(List<HttpResponse<String>> responses) {
        return responses.stream().filter(r -> r.statusCode() == 200).count();
    }

    /**
     * Prices {@code provider}'s {@code model} at {@code inputMtok} USD a million input tokens and 10 a million output
     * tokens (a price set by an earlier test stays).
     */
    void price(String provider, String model, String inputMtok) throws Exception {
        HttpResponse<String> r = admin("POST", "/admin/v1/prices", "{\"provider\":\"" + provider + "\",\"model\":\""
                + model + "\",\"effectiveFrom\":\"2020-01-01T00:00:00Z\",\"prices\":{\"inputMtok\":\"" + inputMtok
                + "\",\"outputMtok\":\"10\"},\"reason\":\"test rate\"}");
        assertTrue(r.statusCode() == 201 || r.statusCode() == 409, r.body());
    }

    @Test
    void twoReplicasEnforceOneRateAndOneBudget() throws Exception {
        price("openai", "budget-model", "0");
        String[] rated = key("{\"rpm\":30}");
        String[] budgeted = key("{\"budget\":{\"amountUsd\":\"0.020\",\"window\":\"month\"}}");
        Thread.sleep(3000); // the other replica reloads the limits and its price catalogue is loaded

        burst(OpenAiFixtures.MASTER, "budget-model", 20); // warm both JVMs up (the master key has no limits)

        long start = System.nanoTime();
        List<HttpResponse<String>> rate = burst(rated[1], "budget-model", 100);
        double seconds = (System.nanoTime() - start) / 1e9;
        // the full minute's 30 at once, then one more per 2 s while the burst lasts (GCRA): one process admits the
        // same; two that each counted on their own would admit about 60
        long bound = 30 + (long) Math.ceil(seconds / 2);
        assertTrue(ok(rate) >= 30 && ok(rate) <= bound, ok(rate) + " requests admitted by two replicas at 30 rpm in "
                + seconds + " s (at most " + bound + ")");
        List<HttpResponse<String>> budget = burst(budgeted[1], "budget-model", 100);
        assertEquals(20, ok(budget), "requests admitted by two replicas on a budget for 20");
        assertTrue(spent(budgeted[0], 20) <= 20_000, "settled spend exceeds the budget");
    }

    @Test
    void twoReplicasHoldAProviderThatCountsMorePromptTokens() throws Exception {
        price("claude-up", "claude-factor", "10");
        // a small budget: 20 requests as the plain estimate sees them (10 micro-USD a token)
        long budget = 20 * (ESTIMATE + 10) * 10;
        String[] key = key("{\"budget\":{\"amountUsd\":\"" + java.math.BigDecimal.valueOf(budget, 6).toPlainString()
                + "\",\"window\":\"month\",\"hard\":true}}");
        Thread.sleep(3000); // the other replica reloads the limits and prices
        burst(OpenAiFixtures.MASTER, "budget-model", 20); // warm both JVMs up

        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            for (int port : replicas.ports()) {
                futures.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + key[1]).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-up/claude-factor\","
                                + "\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT
                                + "\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
        }
        List<HttpResponse<String>> responses = futures.stream().map(CompletableFuture::join).toList();
        long admitted = ok(responses);
        assertTrue(admitted > 0, "nothing admitted: " + responses.get(0).body());
        long spent = spent(key[0], admitted);
        System.out.printf("[two replicas, upstream +30 %% prompt tokens] budget %d micro-USD, settled %d micro-USD,"
                + " admitted %d of %d (prompt estimated %d tokens, reported %d)%n", budget, spent, admitted,
                responses.size(), ESTIMATE, REPORTED);
        assertEquals(admitted * (REPORTED + 10) * 10, spent, "the upstream's count is billed");
        assertTrue(spent <= budget, "settled spend " + spent + " exceeds the budget of " + budget);
    }

    @Test
    void holdsOfAKilledReplicaExpire() throws Exception {
        price("openai", "slow-model", "0");
        price("openai", "budget-model", "0");
        String[] key = key("{\"budget\":{\"amountUsd\":\"0.003\",\"window\":\"month\"}}");
        Thread.sleep(3000);
        int doomed = replicas.port(1);
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            slow.add(client.sendAsync(chat(doomed, key[1], "slow-model"), HttpResponse.BodyHandlers.ofString()));
        }
        awaitHeld(key[0], "0.003000"); // admitted and waiting on the upstream: the whole budget is held
        replicas.get(1).kill();
        HttpResponse<String> held = client.send(chat(replicas.port(0), key[1], "budget-model"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(429, held.statusCode(), held.body());

        Thread.sleep(16_000); // the hold TTL
        HttpResponse<String> freed = client.send(chat(replicas.port(0), key[1], "budget-model"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, freed.statusCode(), "the dead replica's holds still block the budget: " + freed.body());
    }

    @Test
    void aResponsesConversationContinuesOnTheOtherReplica() throws Exception {
        price("claude-up", "claude-factor", "10");
        String[] key = key("{\"rpm\":1000}");
        upstream.stubFor(post("/v1/messages").withRequestBody(containing("And its population?")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(ANTHROPIC.replace("msg_1", "msg_2").replace("\"ok\"", "\"About 460,000.\"")
                                .formatted(REPORTED))));
        Thread.sleep(1500); // the other replica's price catalogue

        // turn 1 on replica A, translated for an Anthropic upstream, stored (the API's default)
        HttpResponse<String> first = client.send(responses(replicas.port(0), key[1],
                "{\"model\":\"claude-up/claude-factor\",\"input\":\"Capital of Australia?\",\"max_output_tokens\":10}"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode(), first.body());
        String id = Json.parseObject(first.body().getBytes()).get("id").asText();
        assertEquals("resp_msg_1", id);

        // turn 2 on replica B names it: the upstream receives the whole conversation
        HttpResponse<String> second = client.send(responses(replicas.port(1), key[1],
                "{\"model\":\"claude-up/claude-factor\",\"input\":\"And its population?\",\"max_output_tokens\":10,"
                        + "\"previous_response_id\":\"" + id + "\"}"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, second.statusCode(), second.body());
        assertEquals("resp_msg_2", Json.parseObject(second.body().getBytes()).get("id").asText());
        var sent = upstream.findAll(postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(
                containing("And its population?")));
        assertEquals(1, sent.size());
        var messages = Json.parseObject(sent.get(0).getBody()).get("messages");
        assertEquals(3, messages.size(), messages.toString());
        assertTrue(messages.get(0).toString().contains("Capital of Australia?"), messages.toString());
        assertEquals("assistant", messages.get(1).get("role").asText());
        assertTrue(messages.get(1).toString().contains("\"ok\""), messages.toString());
        assertTrue(messages.get(2).toString().contains("And its population?"), messages.toString());

        // replica A reads turn 2, stored by B; both turns are priced rows of the key in the ledger
        HttpResponse<String> read = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicas.port(0)
                + "/v1/responses/resp_msg_2")).header("Authorization", "Bearer " + key[1]).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(id, Json.parseObject(read.body().getBytes()).get("previous_response_id").asText());
        assertEquals(2 * (REPORTED + 10) * 10, spent(key[0], 2), "two priced ledger rows");
    }

    HttpRequest responses(int port, String key, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/responses"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    void awaitHeld(String keyId, String usd) throws Exception {
        String body = "";
        for (int i = 0; i < 300 && !body.contains("\"held\":\"" + usd + "\""); i++) {
            Thread.sleep(100);
            body = admin("GET", "/admin/v1/limits/key/" + keyId, "").body();
        }
        assertTrue(body.contains("\"held\":\"" + usd + "\""), "holds not taken: " + body);
    }

    static long spent(String keyId, long rows) throws Exception {
        long[] found = {0, 0};
        for (int i = 0; i < 100 && found[0] < rows; i++) {
            try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                    PreparedStatement q = db.prepareStatement(
                            "SELECT count(*), coalesce(sum(cost_micros), 0) FROM usage_event WHERE key_id = ?::uuid")) {
                q.setString(1, keyId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    found = new long[]{rs.getLong(1), rs.getLong(2)};
                }
            }
            Thread.sleep(100);
        }
        assertEquals(rows, found[0], "ledger rows");
        return found[1];
    }
}
