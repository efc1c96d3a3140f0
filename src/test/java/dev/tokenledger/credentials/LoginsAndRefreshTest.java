package dev.tokenledger.credentials;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.Redis;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.testing.BillQuoteReprice;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.OpenAiSdk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logins and refreshes against stand-ins of GitHub, the Copilot API and an OAuth token endpoint, with the real Redis
 * and PostgreSQL: device logins ending ok, denied and expired with one poller across two instances, a PKCE browser
 * login, Copilot device login → token exchange → chat and stream through the official OpenAI SDK, the exchange
 * refreshed before expiry, a refresh race of 200 requests on two refreshers, and a dead refresh endpoint sending its
 * credential to {@code needs_login} while the pool's other member serves.
 */
@QuarkusTest
@QuarkusTestResource(value = LoginUpstreams.class, restrictToAnnotatedClass = true)
class LoginsAndRefreshTest extends LoginSuite {

    @Inject
    GatewayConfig config;

    /** The device authorization answer of the GitHub stand-in for one device code. */
    static void deviceCode(String deviceCode, String userCode, int interval) {
        LoginUpstreams.server().stubFor(post("/github/login/device/code")
                .withRequestBody(containing("client_id=Iv1.b507a08c87ecfe98")).willReturn(okJson("""
                        {"device_code":"%s","user_code":"%s","verification_uri":"https://github.example/login/device",
                         "expires_in":900,"interval":%d}""".formatted(deviceCode, userCode, interval))));
    }

    /** Token endpoint answers for one device code, in order. */
    static void polls(String deviceCode, List<com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> answers) {
        String scenario = "polls-" + deviceCode;
        for (int i = 0; i < answers.size(); i++) {
            LoginUpstreams.server().stubFor(post("/github/login/oauth/access_token")
                    .withRequestBody(containing("device_code=" + deviceCode))
                    .withRequestBody(containing("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"))
                    .inScenario(scenario).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "s" + i)
                    .willSetStateTo("s" + (i + 1)).willReturn(answers.get(i)));
        }
    }

    static List<LoggedRequest> pollsOf(String deviceCode) {
        return LoginUpstreams.server().findAll(postRequestedFor(urlEqualTo("/github/login/oauth/access_token"))
                .withRequestBody(containing("device_code=" + deviceCode)));
    }

    static String startDevice(String provider) {
        Response started = admin().body(Map.of("provider", provider, "label", "dev")).post(
                "/admin/v1/credentials/logins");
        started.then().statusCode(201);
        assertFalse(started.asString().contains("dev-"), "the device code is never shown: " + started.asString());
        return started.jsonPath().getString("loginId");
    }

    @Test
    void deviceLoginPendingThenSlowDownThenOkWithOnePollerAcrossTwoInstances() throws Exception {
        deviceCode("dev-ok-1", "WDJB-MJHT", 1);
        // GitHub's quirk: errors come with HTTP 200; its slow_down names the new interval
        polls("dev-ok-1", List.of(okJson("{\"error\":\"authorization_pending\"}"),
                okJson("{\"error\":\"slow_down\",\"interval\":3}"),
                okJson("{\"access_token\":\"gho_devok\",\"token_type\":\"bearer\",\"scope\":\"read:user\"}")));
        exchange("gho_devok", "cop-devok", 1800, 1500, "/copilot-api");

        DeviceLogins other = replica.poller();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread second = new Thread(() -> {
            while (running.get()) {
                other.tick().await().atMost(Duration.ofSeconds(5));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        second.start();
        String id;
        try {
            Response started = admin().body(Map.of("provider", "copilot", "label", "octo")).post(
                    "/admin/v1/credentials/logins");
            started.then().statusCode(201);
            id = started.jsonPath().getString("loginId");
            assertEquals("WDJB-MJHT", started.jsonPath().getString("userCode"));
            assertEquals("https://github.example/login/device", started.jsonPath().getString("verificationUri"));
            assertNotNull(started.jsonPath().getString("expiresAt"));
            assertEquals("pending", started.jsonPath().getString("status"));
            await("the login ends", Duration.ofSeconds(20), () -> !"pending".equals(loginStatus(id)));
        } finally {
            running.set(false);
            second.join();
        }
        Response done = admin().get("/admin/v1/credentials/logins/" + id);
        done.then().statusCode(200);
        assertEquals("ok", done.jsonPath().getString("status"), done.asString());
        String credentialId = done.jsonPath().getString("credentialId");
        assertNotNull(credentialId);

        List<LoggedRequest> polls = pollsOf("dev-ok-1");
        assertEquals(3, polls.size(), "one poll per interval across both pollers");
        long first = polls.get(1).getLoggedDate().getTime() - polls.get(0).getLoggedDate().getTime();
        long afterSlowDown = polls.get(2).getLoggedDate().getTime() - polls.get(1).getLoggedDate().getTime();
        assertTrue(first >= 950, "the interval is kept: " + first);
        assertTrue(afterSlowDown >= 2950, "slow_down's new interval is used: " + afterSlowDown);

        Response credential = admin().get("/admin/v1/credentials/" + credentialId);
        credential.then().statusCode(200);
        assertEquals("oauth", credential.jsonPath().getString("kind"));
        assertEquals("octo", credential.jsonPath().getString("label"));
        assertFalse(credential.asString().contains("gho_devok") || credential.asString().contains("cop-devok"));
    }

    @Test
    void deviceLoginsEndDeniedAndExpired() throws Exception {
        deviceCode("dev-denied-1", "DENY-0001", 1);
        // RFC 8628 servers answer 400; slow_down without an interval adds 5 s
        polls("dev-denied-1", List.of(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"slow_down\"}"),
                aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"access_denied\"}")));
        String denied = startDevice("copilot");
        deviceCode("dev-expired-1", "EXPI-0001", 1);
        polls("dev-expired-1", List.of(okJson("{\"error\":\"authorization_pending\"}"),
                okJson("{\"error\":\"expired_token\"}")));
        String expired = startDevice("copilot");
        // a type names a provider only when one provider has it: two here, so the answer names both
        admin().body(Map.of("provider", "github-copilot")).post("/admin/v1/credentials/logins").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("[copilot, copilot2]"));

        await("the logins end", Duration.ofSeconds(20), () -> !"pending".equals(loginStatus(denied))
                && !"pending".equals(loginStatus(expired)));
        assertEquals("denied", loginStatus(denied));
        assertEquals("expired", loginStatus(expired));
        List<LoggedRequest> deniedPolls = pollsOf("dev-denied-1");
        assertEquals(2, deniedPolls.size());
        long gap = deniedPolls.get(1).getLoggedDate().getTime() - deniedPolls.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 5950, "slow_down adds 5 s to the interval: " + gap);
        assertEquals(2, pollsOf("dev-expired-1").size());
        admin().get("/admin/v1/credentials/logins/" + UUID.randomUUID()).then().statusCode(404);
        admin().body(Map.of("provider", "oauthy")).post("/admin/v1/credentials/logins").then().statusCode(400);
    }

    @Test
    void browserLoginWithPkceChecksTheStateOnce() throws Exception {
        LoginUpstreams.server().stubFor(post("/github/login/oauth/access_token")
                .withRequestBody(containing("grant_type=authorization_code"))
                .withRequestBody(containing("code=the-code")).withRequestBody(containing("client_secret=app-secret-123"))
                .willReturn(okJson("{\"access_token\":\"gho_browser\",\"token_type\":\"bearer\"}")));
        exchange("gho_browser", "cop-browser", 1800, 1500, "/copilot-api");
        Response started = admin().body(Map.of("provider", "copilot", "flow", "browser")).post(
                "/admin/v1/credentials/logins");
        started.then().statusCode(201);
        String id = started.jsonPath().getString("loginId");
        URI authorize = URI.create(started.jsonPath().getString("authorizeUrl"));
        Map<String, String> query = query(authorize.getRawQuery());
        assertEquals("S256", query.get("code_challenge_method"));
        assertEquals("code", query.get("response_type"));
        assertTrue(query.get("redirect_uri").endsWith("/admin/v1/credentials/logins/callback"), query.toString());
        String state = query.get("state");

        given().queryParam("code", "the-code").queryParam("state", state).get("/admin/v1/credentials/logins/callback")
                .then().statusCode(200).body(org.hamcrest.Matchers.containsString("Login complete"));
        assertEquals("ok", loginStatus(id));
        // the verifier sent in the exchange hashes to the challenge of the authorize URL
        LoggedRequest exchange = LoginUpstreams.server().findAll(postRequestedFor(urlEqualTo(
                "/github/login/oauth/access_token")).withRequestBody(containing("code=the-code"))).get(0);
        String verifier = query(exchange.getBodyAsString()).get("code_verifier");
        assertEquals(query.get("code_challenge"), BrowserLogins.challenge(verifier));
        // a state is good once
        given().queryParam("code", "the-code").queryParam("state", state).get("/admin/v1/credentials/logins/callback")
                .then().statusCode(400);
        given().queryParam("code", "x").queryParam("state", "forged").get("/admin/v1/credentials/logins/callback")
                .then().statusCode(400);
    }

    @Test
    void copilotDeviceLoginExchangeChatAndStreamThroughTheOpenAiSdkAndRefreshBeforeExpiry() throws Exception {
        // this test's login is the only member of the provider's pool
        for (String other : admin().get("/admin/v1/credentials?provider=copilot").jsonPath().<String>getList("id")) {
            admin().body(Map.of("status", "disabled")).patch("/admin/v1/credentials/" + other).then().statusCode(200);
        }
        deviceCode("dev-copilot-1", "COPI-0001", 1);
        polls("dev-copilot-1", List.of(okJson("{\"access_token\":\"gho_copilot\",\"token_type\":\"bearer\"}")));
        long now = Instant.now().getEpochSecond();
        // the first Copilot token lives 6 s and advises a refresh after 2 s; the next one lives half an hour
        LoginUpstreams.server().stubFor(get("/ghapi/copilot_internal/v2/token")
                .withHeader("Authorization", equalTo("token gho_copilot")).inScenario("exchange")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("refreshed")
                .willReturn(okJson(exchangeBody("cop-short", now + 6, 2, "/copilot-api"))));
        LoginUpstreams.server().stubFor(get("/ghapi/copilot_internal/v2/token")
                .withHeader("Authorization", equalTo("token gho_copilot")).inScenario("exchange")
                .whenScenarioStateIs("refreshed")
                .willReturn(okJson(exchangeBody("cop-long", now + 1800, 1500, "/copilot-api"))));
        for (String token : List.of("cop-short", "cop-long")) {
            LoginUpstreams.server().stubFor(post("/copilot-api/chat/completions")
                    .withHeader("Authorization", equalTo("Bearer " + token))
                    .withHeader("Accept", equalTo("application/json"))
                    .willReturn(okJson(OpenAiFixtures.COMPLETION)));
            LoginUpstreams.server().stubFor(post("/copilot-api/chat/completions")
                    .withHeader("Authorization", equalTo("Bearer " + token))
                    .withHeader("Accept", equalTo("text/event-stream"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                            .withBody(OpenAiFixtures.STREAM)));
        }
        LoginUpstreams.server().stubFor(get("/copilot-api/models").willReturn(okJson(
                "{\"data\":[{\"id\":\"gpt-4o\"},{\"id\":\"claude-sonnet-4\"}]}")));

        String id = startDevice("copilot");
        await("the login ends", Duration.ofSeconds(15), () -> !"pending".equals(loginStatus(id)));
        Response done = admin().get("/admin/v1/credentials/logins/" + id);
        assertEquals("ok", done.jsonPath().getString("status"), done.asString());
        String credentialId = done.jsonPath().getString("credentialId");
        OffsetDateTime firstExpiry = OffsetDateTime.parse(admin().get("/admin/v1/credentials/" + credentialId)
                .jsonPath().getString("expiresAt"));

        // the exchange is refreshed before the first token expires, by the sweep, with no request waiting for it
        await("the exchange is refreshed", Duration.ofSeconds(10), () -> LoginUpstreams.server().countRequestsMatching(
                getRequestedFor(urlEqualTo("/ghapi/copilot_internal/v2/token"))
                        .withHeader("Authorization", equalTo("token gho_copilot")).build())
                .getCount() == 2);
        await("the pools hold the new token", Duration.ofSeconds(5), () -> pools.refreshable().stream()
                .anyMatch(r -> r.id().toString().equals(credentialId) && r.version() > 0));
        Response refreshed = admin().get("/admin/v1/credentials/" + credentialId);
        OffsetDateTime lastRefresh = OffsetDateTime.parse(refreshed.jsonPath().getString("lastRefreshAt"));
        assertTrue(lastRefresh.isBefore(firstExpiry), "refreshed before expiry: " + lastRefresh + " < " + firstExpiry);
        assertTrue(OffsetDateTime.parse(refreshed.jsonPath().getString("expiresAt")).isAfter(firstExpiry));

        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(OpenAiFixtures.MASTER).baseUrl(gateway.toString())
                .maxRetries(0).build();
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("copilot/gpt-4o").addUserMessage("Hi").build());
        assertEquals("Hello there!", completion.choices().get(0).message().content().orElseThrow());
        assertEquals("Hello 🙂", OpenAiSdk.streamedText(client, "copilot/gpt-4o"));

        List<LoggedRequest> chats = LoginUpstreams.server().findAll(postRequestedFor(urlEqualTo(
                "/copilot-api/chat/completions")));
        assertEquals(2, chats.size());
        for (LoggedRequest chat : chats) {
            assertEquals("Bearer cop-long", chat.getHeader("Authorization"));
            assertEquals("vscode-chat", chat.getHeader("Copilot-Integration-Id"));
            assertEquals("vscode/9.9.9", chat.getHeader("Editor-Version"));
            assertEquals("copilot-chat/0.26.7", chat.getHeader("Editor-Plugin-Version"));
            assertEquals("GitHubCopilotChat/0.26.7", chat.getHeader("User-Agent"));
            assertEquals("2025-04-01", chat.getHeader("X-GitHub-Api-Version"));
            assertEquals("conversation-panel", chat.getHeader("Openai-Intent"));
            assertEquals("user", chat.getHeader("X-Initiator"));
            assertNotNull(chat.getHeader("X-Request-Id"));
            assertTrue(chat.getHeader("Vscode-Machineid").matches("[0-9a-f]{64}"), chat.getHeader("Vscode-Machineid"));
            assertEquals("m=" + chat.getHeader("Vscode-Machineid") + ";v=vscode/9.9.9", chat.getHeader("X-Fingerprint"));
        }
        assertEquals(chats.get(0).getHeader("Vscode-Sessionid"), chats.get(1).getHeader("Vscode-Sessionid"),
                "the fingerprint is stable across requests");
        // another credential of the same provider has its own identity
        List<LoggedRequest> exchanges = LoginUpstreams.server().findAll(getRequestedFor(urlEqualTo(
                "/ghapi/copilot_internal/v2/token")));
        assertTrue(exchanges.stream().allMatch(r -> "vscode/9.9.9".equals(r.getHeader("Editor-Version"))));
        long identities = exchanges.stream().map(r -> r.getHeader("Vscode-Machineid")).distinct().count();
        long credentials = exchanges.stream().map(r -> r.getHeader("Authorization")).distinct().count();
        assertEquals(credentials, identities, "one identity per credential, never shared");

        admin().get("/admin/v1/credentials/" + credentialId + "/models").then().statusCode(200)
                .body("", org.hamcrest.Matchers.hasItems("gpt-4o", "claude-sonnet-4"));
        // the upstream's list joins the gateway's own, as <provider>/<model>
        admin().get("/v1/models").then().statusCode(200).body("data.id", org.hamcrest.Matchers.hasItems(
                "copilot/gpt-4o", "copilot/claude-sonnet-4"));

        // the one pricing path for the github-copilot type: bill == quote == reprice, from its catalogue provider
        int priced = admin().body(Map.of("provider", "github-copilot", "model", "e2e-copilot-model", "effectiveFrom",
                "2020-01-01T00:00:00Z", "prices", Map.of("inputMtok", "1", "outputMtok", "4"), "reason",
                "copilot test")).post("/admin/v1/prices").then().extract().statusCode();
        assertTrue(priced == 201 || priced == 409, "price stored: " + priced);
        BillQuoteReprice.Checked billed = BillQuoteReprice.check("github-copilot", admin().body(Map.of("model",
                "copilot/e2e-copilot-model", "messages", List.of(Map.of("role", "user", "content", "Hi"))))
                .post("/v1/chat/completions"));
        assertEquals("github-copilot", billed.row().getString("priceProvider"));
        // 19 prompt tokens x 1 + 3 completion tokens x 4 per million
        assertEquals(0, new java.math.BigDecimal("0.000031").compareTo(billed.billed()), billed.row().prettify());
    }

    static final String RESPONSE = """
            {"id":"resp_1","object":"response","created_at":1741569952,"status":"completed","model":"gpt-5-codex",
             "output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed",
               "content":[{"type":"output_text","text":"Hello from Responses","annotations":[]}]}],
             "usage":{"input_tokens":7,"output_tokens":3,"total_tokens":10,"input_tokens_details":{"cached_tokens":0},
               "output_tokens_details":{"reasoning_tokens":0}}}""";

    static final String RESPONSE_STREAM = """
            event: response.created
            data: {"type":"response.created","response":{"id":"resp_2","object":"response","created_at":1741569952,"status":"in_progress","model":"gpt-5-codex","output":[]}}

            event: response.output_item.added
            data: {"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_2","role":"assistant","content":[]}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"Streamed "}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","output_index":0,"content_index":0,"delta":"via Responses"}

            event: response.completed
            data: {"type":"response.completed","response":{"id":"resp_2","object":"response","created_at":1741569952,"status":"completed","model":"gpt-5-codex","output":[],"usage":{"input_tokens":7,"output_tokens":4,"total_tokens":11}}}

            """;

    @Test
    void copilotModelsListedWithTheResponsesApiOnlyGoToResponsesOthersToChatThroughTheOpenAiSdk() throws Exception {
        LoginUpstreams.server().stubFor(get("/copilot2-api/models").willReturn(okJson("""
                {"data":[{"id":"gpt-4o","supported_endpoints":["/chat/completions","/responses"]},
                         {"id":"gpt-5-codex","supported_endpoints":["/responses"]}]}""")));
        for (String path : List.of("/copilot2-api/chat/completions", "/copilot2-api/responses")) {
            boolean responses = path.endsWith("/responses");
            LoginUpstreams.server().stubFor(post(path).withHeader("Accept", equalTo("application/json"))
                    .withHeader("Authorization", equalTo("Bearer cop-two"))
                    .willReturn(okJson(responses ? RESPONSE : OpenAiFixtures.COMPLETION)));
            LoginUpstreams.server().stubFor(post(path).withHeader("Accept", equalTo("text/event-stream"))
                    .withHeader("Authorization", equalTo("Bearer cop-two"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                            .withBody(responses ? RESPONSE_STREAM : OpenAiFixtures.STREAM)));
        }
        // a Copilot credential as a login leaves it: the exchanged token and the API base the exchange named
        UUID id = UUID.randomUUID();
        Secret secret = new Secret("cop-two", Map.of(), "copilot-exchange", Map.of("loginToken", "gho_two"),
                LoginUpstreams.url("/copilot2-api"), Fingerprints.newIdentity());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        store.insert(id, "copilot2", "two", CredentialKind.OAUTH, pools.keys().seal(id, "copilot2", secret.encode()),
                now.plusMinutes(30), now.plusMinutes(25)).await().atMost(Duration.ofSeconds(5));
        pools.credentialsChanged().await().atMost(Duration.ofSeconds(5));
        // the upstream's list is read (the model list of the gateway, or a first request, reads it)
        admin().get("/v1/models").then().statusCode(200).body("data.id", org.hamcrest.Matchers.hasItems(
                "copilot2/gpt-4o", "copilot2/gpt-5-codex"));

        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(OpenAiFixtures.MASTER).baseUrl(gateway.toString())
                .maxRetries(0).build();
        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("copilot2/gpt-4o").addUserMessage("Hi").build());
        assertEquals("Hello there!", chat.choices().get(0).message().content().orElseThrow());
        ChatCompletion viaResponses = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("copilot2/gpt-5-codex").addSystemMessage("Be brief.").addUserMessage("Hi").build());
        assertEquals("Hello from Responses", viaResponses.choices().get(0).message().content().orElseThrow());
        assertEquals(7, viaResponses.usage().orElseThrow().promptTokens());
        assertEquals(3, viaResponses.usage().orElseThrow().completionTokens());
        for (String model : List.of("copilot2/gpt-4o", "copilot2/gpt-5-codex")) {
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model(model).addUserMessage("Hi").build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content()
                        .ifPresent(text::append)));
            }
            assertEquals(model.endsWith("codex") ? "Streamed via Responses" : "Hello 🙂", text.toString(), model);
        }

        List<LoggedRequest> chats = LoginUpstreams.server().findAll(postRequestedFor(urlEqualTo(
                "/copilot2-api/chat/completions")));
        List<LoggedRequest> responses = LoginUpstreams.server().findAll(postRequestedFor(urlEqualTo(
                "/copilot2-api/responses")));
        assertEquals(2, chats.size(), "the model with chat completions is sent there");
        assertEquals(2, responses.size(), "the Responses-only model is sent to the Responses API");
        assertTrue(chats.stream().allMatch(r -> r.getBodyAsString().contains("\"model\":\"gpt-4o\"")));
        com.fasterxml.jackson.databind.JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                responses.get(0).getBodyAsString());
        assertEquals("gpt-5-codex", first.path("model").asText());
        assertFalse(first.path("stream").asBoolean());
        assertFalse(first.path("store").asBoolean(true), "stateless: the whole conversation is sent");
        assertEquals("system", first.path("input").get(0).path("role").asText());
        assertEquals("input_text", first.path("input").get(1).path("content").get(0).path("type").asText());
        assertEquals("Hi", first.path("input").get(1).path("content").get(0).path("text").asText());
        assertFalse(first.has("messages"), first.toString());
        assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(responses.get(1).getBodyAsString())
                .path("stream").asBoolean());
        for (LoggedRequest r : responses) {
            assertEquals("vscode-chat", r.getHeader("Copilot-Integration-Id"));
            assertEquals("user", r.getHeader("X-Initiator"));
            assertTrue(r.getHeader("Vscode-Machineid").matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void refreshRaceOfTwoRefreshersAndTwoHundredRequestsMakesOneRefreshCall() throws Exception {
        LoginUpstreams.server().stubFor(post("/oauth/token").withRequestBody(containing("refresh_token=rt-race-1"))
                .willReturn(okJson("{\"access_token\":\"race-new\",\"expires_in\":3600,\"refresh_token\":\"rt-race-2\"}")
                        .withFixedDelay(1500)));
        for (String token : List.of("race-old", "race-new")) {
            LoginUpstreams.server().stubFor(post("/oauthy/v1/chat/completions")
                    .withHeader("Authorization", equalTo("Bearer " + token)).willReturn(okJson(OpenAiFixtures.COMPLETION)));
        }
        assertEquals(Duration.ofSeconds(60), config.routing().attemptTimeout(), "this test's attempt timeout");
        // a token 1 s from expiry, due for refresh
        UUID id = oauthCredential("oauthy", "race-old", "rt-race-1", Instant.now().plusSeconds(1));
        pools.credentialsChanged().await().atMost(Duration.ofSeconds(5));
        TokenRefresher second = replica.refresher();
        // HTTP/1.1: the client's default h2c upgrade attempt on 200 new connections at once tests the JDK, not us
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        CompletableFuture<Void> otherReplica = second.refresh(id).subscribeAsCompletionStage();
        for (int i = 0; i < 200; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gateway + "/chat/completions"))
                    .header("Authorization", "Bearer " + OpenAiFixtures.MASTER).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"oauthy/m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString()));
            if (i == 100) {
                Thread.sleep(1200); // the second half arrives after the old token expired
            }
        }
        otherReplica.get(30, java.util.concurrent.TimeUnit.SECONDS);
        List<Integer> statuses = new ArrayList<>();
        String firstFailure = null;
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.get(90, java.util.concurrent.TimeUnit.SECONDS);
            statuses.add(r.statusCode());
            if (r.statusCode() != 200 && firstFailure == null) {
                firstFailure = r.body();
            }
        }
        int upstream = LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo(
                "/oauthy/v1/chat/completions")).build()).getCount();
        assertTrue(statuses.stream().allMatch(s -> s == 200), "no request failed: " + statuses + " first failure: "
                + firstFailure + "; upstream saw " + upstream + " unmatched " + LoginUpstreams.server()
                        .findAllUnmatchedRequests().size());
        assertEquals(1, LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/oauth/token"))
                .build()).getCount(), "exactly one refresh call upstream");
        StoredCredential row = store.find(id).await().atMost(Duration.ofSeconds(5));
        Secret secret = Secret.decode(pools.keys().open(row.id(), row.provider(), row.sealed()));
        assertEquals("race-new", secret.apiKey());
        assertEquals("rt-race-2", secret.grant().get(OAuthRefreshTokens.REFRESH_TOKEN), "a rotated refresh token is kept");
        assertTrue(row.version() > 0);
        assertTrue(LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/oauthy/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer race-new")).build()).getCount() > 0);
    }

    @Test
    void aDeadRefreshEndpointSendsTheCredentialToNeedsLoginAndTrafficToTheOtherMember() throws Exception {
        LoginUpstreams.server().stubFor(post("/oauth/down").willReturn(aResponse().withStatus(503)));
        LoginUpstreams.server().stubFor(post("/duo/v1/chat/completions").withHeader("Authorization",
                equalTo("Bearer duo-a")).willReturn(okJson(OpenAiFixtures.COMPLETION)));
        LoginUpstreams.server().stubFor(post("/duo/v1/chat/completions").withHeader("Authorization",
                equalTo("Bearer sk-duo-b-000001")).willReturn(okJson(OpenAiFixtures.COMPLETION)));
        UUID a = oauthCredential("duo", "duo-a", "rt-duo", Instant.now().plusSeconds(2), "/oauth/down");
        admin().body(Map.of("provider", "duo", "label", "b", "apiKey", "sk-duo-b-000001"))
                .post("/admin/v1/credentials").then().statusCode(201);
        pools.credentialsChanged().await().atMost(Duration.ofSeconds(5));

        long end = System.currentTimeMillis() + 4500;
        int sent = 0;
        while (System.currentTimeMillis() < end) {
            admin().body(Map.of("model", "duo/m", "messages", List.of(Map.of("role", "user", "content", "hi"))))
                    .post("/v1/chat/completions").then().statusCode(200);
            sent++;
        }
        await("the credential needs a login", Duration.ofSeconds(10), () -> "needs_login".equals(admin()
                .get("/admin/v1/credentials/" + a).jsonPath().getString("status")));
        int aCalls = calls("duo", "duo-a");
        for (int i = 0; i < 5; i++) {
            admin().body(Map.of("model", "duo/m", "messages", List.of(Map.of("role", "user", "content", "hi"))))
                    .post("/v1/chat/completions").then().statusCode(200);
        }
        assertEquals(aCalls, calls("duo", "duo-a"), "a credential that needs a login is out of the pool");
        assertTrue(calls("duo", "sk-duo-b-000001") >= 5, "the other member serves");
        assertTrue(sent > 0);
        assertTrue(LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/oauth/down")).build())
                .getCount() >= 3, "transient failures are retried");
        String lastError = admin().get("/admin/v1/credentials/" + a).jsonPath().getString("lastError");
        assertTrue(lastError.contains("Refresh failed"), lastError);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("tokenledger_credential_refreshes_total")
                && l.contains("outcome=\"needs_login\"") && l.contains("provider=\"duo\"")), "the alert metric");
        // the alert: the Prometheus rule fires on the gauge of credentials that need a login, which counts this one
        String rules = java.nio.file.Files.readString(java.nio.file.Path.of("k8s/monitoring/alerts.yaml"));
        String rule = rules.substring(rules.indexOf("alert: TokenLedgerCredentialNeedsLogin"));
        assertTrue(rule.substring(0, rule.indexOf("for:")).contains(
                "max by (provider) (tokenledger_credentials_needs_login) > 0"), rule);
        await("the gauge the alert reads", Duration.ofSeconds(20), () -> given().get("/q/metrics").asString().lines()
                .anyMatch(l -> l.startsWith("tokenledger_credentials_needs_login{") && l.contains("provider=\"duo\"")
                        && !l.endsWith(" 0.0")));
    }

    @Test
    void embeddingsDrawFromThePoolAndTheLedgerNamesTheServingCredential() throws Exception {
        String limited = "sk-embed-limited-0001";
        String fine = "sk-embed-fine-0002";
        LoginUpstreams.server().stubFor(post("/embedder/v1/embeddings").withHeader("Authorization",
                equalTo("Bearer " + limited)).willReturn(
                        aResponse().withStatus(429).withHeader("Retry-After", "30")
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}")));
        LoginUpstreams.server().stubFor(post("/embedder/v1/embeddings").withHeader("Authorization",
                equalTo("Bearer " + fine)).willReturn(okJson("""
                        {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],
                         "model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}""")));
        admin().body(Map.of("provider", "embedder", "label", "limited", "apiKey", limited))
                .post("/admin/v1/credentials").then().statusCode(201);
        String fineId = admin().body(Map.of("provider", "embedder", "label", "fine", "apiKey", fine))
                .post("/admin/v1/credentials").then().statusCode(201).extract().jsonPath().getString("id");

        Response answer = admin().body(Map.of("model", "embedder/text-embedding-3-small", "input", "hello"))
                .post("/v1/embeddings");
        answer.then().statusCode(200);
        assertEquals(1, LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo(
                "/embedder/v1/embeddings")).withHeader("Authorization", equalTo("Bearer " + limited)).build()).getCount());
        Object served = dev.tokenledger.testing.LedgerRows.await(answer.header("x-request-id")).get("credential_id");
        assertEquals(fineId, String.valueOf(served), "the ledger row names the credential that served the embeddings");
    }

    @Test
    void importedOAuthTokensAreRefreshedBeforeTheirFirstUse() throws Exception {
        LoginUpstreams.server().stubFor(post("/oauth/import").withRequestBody(containing("refresh_token=rt-import-1"))
                .withRequestBody(containing("client_id=cli-9")).withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(okJson("{\"access_token\":\"imported-access\",\"expires_in\":3600}")));
        LoginUpstreams.server().stubFor(post("/imported/v1/chat/completions").withHeader("Authorization",
                equalTo("Bearer imported-access")).willReturn(okJson(OpenAiFixtures.COMPLETION)));
        Response created = admin().body(Map.of("provider", "imported", "label", "imported", "oauth", Map.of(
                "refreshToken", "rt-import-1", "tokenUrl", LoginUpstreams.url("/oauth/import"), "clientId", "cli-9")))
                .post("/admin/v1/credentials");
        created.then().statusCode(201);
        assertEquals("oauth", created.jsonPath().getString("kind"));
        assertFalse(created.asString().contains("rt-import-1"), "the refresh token is never shown");
        admin().body(Map.of("model", "imported/m", "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .post("/v1/chat/completions").then().statusCode(200);
        assertEquals(1, LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/oauth/import"))
                .build()).getCount());
        admin().body(Map.of("provider", "imported", "label", "x", "oauth", Map.of("refreshToken", "rt",
                "tokenUrl", "ftp://nope"))).post("/admin/v1/credentials").then().statusCode(400);
    }

    @Test
    void aTokenTheUpstreamRefusesIsRefreshedOnceAndTheRequestsRetriedWithTheNewOne() throws Exception {
        LoginUpstreams.server().stubFor(post("/oauth/rejected").withRequestBody(containing("refresh_token=rt-rej-1"))
                .willReturn(okJson("{\"access_token\":\"rej-new\",\"expires_in\":3600}").withFixedDelay(300)));
        LoginUpstreams.server().stubFor(post("/rejecting/v1/chat/completions").withHeader("Authorization",
                equalTo("Bearer rej-old")).willReturn(
                        aResponse().withStatus(401).withHeader("Content-Type",
                                "application/json").withBody("{\"error\":{\"message\":\"token expired\",\"type\":\"auth\"}}")));
        LoginUpstreams.server().stubFor(post("/rejecting/v1/chat/completions").withHeader("Authorization",
                equalTo("Bearer rej-new")).willReturn(okJson(OpenAiFixtures.COMPLETION)));
        // a token the gateway believes good for an hour, which the upstream already refuses (revoked, rotated)
        UUID id = UUID.randomUUID();
        Secret secret = new Secret("rej-old", Map.of(), OAuthRefreshTokens.ID, Map.of(OAuthRefreshTokens.REFRESH_TOKEN,
                "rt-rej-1", OAuthRefreshTokens.TOKEN_URL, LoginUpstreams.url("/oauth/rejected")), null,
                Fingerprints.newIdentity());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        store.insert(id, "rejecting", "rejected", CredentialKind.OAUTH, pools.keys().seal(id, "rejecting",
                secret.encode()), now.plusHours(1), now.plusMinutes(55)).await().atMost(Duration.ofSeconds(5));
        pools.credentialsChanged().await().atMost(Duration.ofSeconds(5));
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> admin().body(Map.of("model", "rejecting/m", "messages",
                    List.of(Map.of("role", "user", "content", "hi")))).post("/v1/chat/completions").statusCode()));
        }
        for (CompletableFuture<Integer> a : answers) {
            assertEquals(200, a.get(60, java.util.concurrent.TimeUnit.SECONDS), "retried with the new token");
        }
        assertEquals(1, LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/oauth/rejected"))
                .build()).getCount(), "one refresh for every refused request");
        assertTrue(calls("rejecting", "rej-new") >= 20);
        assertEquals("enabled", admin().get("/admin/v1/credentials/" + id).jsonPath().getString("status"));
    }

    static int calls(String provider, String key) {
        return LoginUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/" + provider
                + "/v1/chat/completions")).withHeader("Authorization", equalTo("Bearer " + key)).build()).getCount();
    }

    UUID oauthCredential(String provider, String access, String refreshToken, Instant expiresAt) {
        return oauthCredential(provider, access, refreshToken, expiresAt, "/oauth/token");
    }

    /** A stored OAuth credential whose token is due for refresh now. */
    UUID oauthCredential(String provider, String access, String refreshToken, Instant expiresAt, String tokenPath) {
        UUID id = UUID.randomUUID();
        Secret secret = new Secret(access, Map.of(), OAuthRefreshTokens.ID, Map.of(OAuthRefreshTokens.REFRESH_TOKEN,
                refreshToken, OAuthRefreshTokens.TOKEN_URL, LoginUpstreams.url(tokenPath), OAuthRefreshTokens.CLIENT_ID,
                "client-1"), null, Fingerprints.newIdentity());
        store.insert(id, provider, "oauth-" + provider, CredentialKind.OAUTH, pools.keys().seal(id, provider,
                secret.encode()), OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC),
                OffsetDateTime.now(ZoneOffset.UTC)).await().atMost(Duration.ofSeconds(5));
        return id;
    }

    static void exchange(String githubToken, String copilotToken, long lifetime, long refreshIn, String api) {
        LoginUpstreams.server().stubFor(get("/ghapi/copilot_internal/v2/token")
                .withHeader("Authorization", equalTo("token " + githubToken)).willReturn(okJson(exchangeBody(
                        copilotToken, Instant.now().getEpochSecond() + lifetime, refreshIn, api))));
    }

    static String exchangeBody(String token, long expiresAt, long refreshIn, String api) {
        return """
                {"token":"%s","expires_at":%d,"refresh_in":%d,"sku":"free_limited_copilot",
                 "endpoints":{"api":"%s","proxy":"https://proxy.example"}}""".formatted(token, expiresAt, refreshIn,
                LoginUpstreams.url(api));
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }
}
