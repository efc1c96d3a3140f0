package dev.tokenledger.credentials;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.redis.client.Redis;

import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.testing.BillQuoteReprice;
import dev.tokenledger.testing.NodeSdk;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.OpenAiSdk;
import dev.tokenledger.testing.TestDb;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kiro logins and traffic against stand-ins of AWS SSO OIDC and Kiro's API, with the real Redis and PostgreSQL: an AWS
 * Builder ID device login (pending, slow_down, ok) with its profile ARN found, chats and streams through the OpenAI
 * and Anthropic SDKs with ledger rows marked estimated, IAM Identity Center logins at their own start URL and region
 * (denied, expired), and a refresh before expiry that runs once across two replicas, re-registering an expired client.
 */
@QuarkusTest
@QuarkusTestResource(value = KiroUpstreams.class, restrictToAnnotatedClass = true)
class KiroLoginsTest extends LoginSuite {

    static final String PROFILE = "arn:aws:codewhisperer:us-east-1:123456789012:profile/KIROTEST01";

    /** The request id of the last Kiro chat whose row was checked. */
    String lastRequestId;

    @BeforeEach
    void reset() {
        KiroUpstreams.server().resetAll();
    }

    static ResponseDefinitionBuilder error(String json) {
        return aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(json);
    }

    /** RegisterClient and StartDeviceAuthorization in a region, for one start URL. */
    static void authorize(String region, String clientId, long clientExpires, String startUrl, String deviceCode,
            String userCode) {
        KiroUpstreams.server().stubFor(post("/oidc/" + region + "/client/register")
                .withRequestBody(matchingJsonPath("$.clientType", equalTo("public")))
                .withRequestBody(matchingJsonPath("$.grantTypes[0]",
                        equalTo("urn:ietf:params:oauth:grant-type:device_code")))
                .withRequestBody(matchingJsonPath("$.scopes[2]", equalTo("codewhisperer:conversations")))
                .willReturn(okJson("""
                        {"clientId":"%s","clientSecret":"%s-secret","clientIdIssuedAt":%d,"clientSecretExpiresAt":%d}"""
                        .formatted(clientId, clientId, Instant.now().getEpochSecond(), clientExpires))));
        KiroUpstreams.server().stubFor(post("/oidc/" + region + "/device_authorization")
                .withRequestBody(matchingJsonPath("$.clientId", equalTo(clientId)))
                .withRequestBody(matchingJsonPath("$.clientSecret", equalTo(clientId + "-secret")))
                .withRequestBody(matchingJsonPath("$.startUrl", equalTo(startUrl))).willReturn(okJson("""
                        {"deviceCode":"%s","userCode":"%s","verificationUri":"https://device.sso.%s.amazonaws.com/",
                         "verificationUriComplete":"https://device.sso.%s.amazonaws.com/?user_code=%s",
                         "expiresIn":600,"interval":1}""".formatted(deviceCode, userCode, region, region, userCode))));
    }

    /** CreateToken answers for one device code, in order. */
    static void polls(String region, String deviceCode, List<ResponseDefinitionBuilder> answers) {
        for (int i = 0; i < answers.size(); i++) {
            KiroUpstreams.server().stubFor(post("/oidc/" + region + "/token")
                    .withRequestBody(matchingJsonPath("$.deviceCode", equalTo(deviceCode)))
                    .withRequestBody(matchingJsonPath("$.grantType",
                            equalTo("urn:ietf:params:oauth:grant-type:device_code")))
                    .inScenario("polls-" + deviceCode).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "s" + i)
                    .willSetStateTo("s" + (i + 1)).willReturn(answers.get(i)));
        }
    }

    static List<LoggedRequest> pollsOf(String region, String deviceCode) {
        return KiroUpstreams.server().findAll(postRequestedFor(urlEqualTo("/oidc/" + region + "/token"))
                .withRequestBody(matchingJsonPath("$.deviceCode", equalTo(deviceCode))));
    }

    static String start(Map<String, Object> body) {
        Response started = admin().body(body).post("/admin/v1/credentials/logins");
        started.then().statusCode(201);
        assertFalse(started.asString().contains("kdev-"), "the device code is never shown: " + started.asString());
        return started.jsonPath().getString("loginId");
    }

    static byte[] frames(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    static byte[] event(String type, String json) {
        return EventStreamFrame.event(type, json.getBytes(StandardCharsets.UTF_8)).encode();
    }

    /** Kiro's answer to every chat with the given token: text in two events, metering and context usage. */
    static void answers(String token) {
        KiroUpstreams.server().stubFor(post("/kiro-api/generateAssistantResponse")
                .withHeader("Authorization", equalTo("Bearer " + token)).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/vnd.amazon.eventstream")
                        .withBody(frames(event("assistantResponseEvent", "{\"content\":\"Hello \"}"),
                                event("assistantResponseEvent", "{\"assistantResponseEvent\":{\"content\":\"🙂\"}}"),
                                event("meteringEvent", "{\"unit\":\"credit\",\"unitPlural\":\"credits\",\"usage\":0.05}"),
                                event("contextUsageEvent", "{\"contextUsagePercentage\":0.4}")))));
    }

    /** A ledger row, once written. */
    static Map<String, Object> ledgerRow(String requestId) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                    java.sql.PreparedStatement q = db.prepareStatement("SELECT provider_type, usage_source, "
                            + "price_status, cost_micros, input_tokens, output_tokens, credential_id FROM usage_event "
                            + "WHERE request_id = ?")) {
                q.setString(1, requestId);
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        Map<String, Object> row = new java.util.HashMap<>();
                        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                            row.put(rs.getMetaData().getColumnName(c), rs.getObject(c));
                        }
                        return row;
                    }
                }
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no ledger row for " + requestId);
    }

    @Test
    void builderIdDeviceLoginFindsTheProfileAndServesTheOpenAiAndAnthropicSdks() throws Exception {
        // this test's login is the only member of the provider's pool
        for (String other : admin().get("/admin/v1/credentials?provider=kiro").jsonPath().<String>getList("id")) {
            admin().body(Map.of("status", "disabled")).patch("/admin/v1/credentials/" + other).then().statusCode(200);
        }
        long in90Days = Instant.now().getEpochSecond() + 90 * 86400;
        authorize("us-east-1", "cid-builder", in90Days, "https://view.awsapps.com/start", "kdev-builder", "KIRO-0001");
        polls("us-east-1", "kdev-builder", List.of(error("{\"error\":\"authorization_pending\","
                + "\"error_description\":\"pending\"}"), error("{\"error\":\"slow_down\"}"),
                okJson("{\"accessToken\":\"kat-builder\",\"tokenType\":\"Bearer\",\"expiresIn\":3600,"
                        + "\"refreshToken\":\"krt-builder\"}")));
        KiroUpstreams.server().stubFor(post("/kiro-api/ListAvailableProfiles").withHeader("Authorization",
                equalTo("Bearer kat-builder")).willReturn(
                        okJson("{\"profiles\":[{\"arn\":\"" + PROFILE + "\","
                                + "\"profileName\":\"default\"}]}")));
        answers("kat-builder");

        Response started = admin().body(Map.of("provider", "kiro", "label", "builder")).post(
                "/admin/v1/credentials/logins");
        started.then().statusCode(201);
        String id = started.jsonPath().getString("loginId");
        assertEquals("KIRO-0001", started.jsonPath().getString("userCode"));
        assertEquals("https://device.sso.us-east-1.amazonaws.com/?user_code=KIRO-0001",
                started.jsonPath().getString("verificationUriComplete"));
        await("the login ends", Duration.ofSeconds(20), () -> !"pending".equals(loginStatus(id)));
        Response done = admin().get("/admin/v1/credentials/logins/" + id);
        assertEquals("ok", done.jsonPath().getString("status"), done.asString());
        String credentialId = done.jsonPath().getString("credentialId");

        List<LoggedRequest> polls = pollsOf("us-east-1", "kdev-builder");
        assertEquals(3, polls.size());
        long first = polls.get(1).getLoggedDate().getTime() - polls.get(0).getLoggedDate().getTime();
        long afterSlowDown = polls.get(2).getLoggedDate().getTime() - polls.get(1).getLoggedDate().getTime();
        assertTrue(first >= 950, "the interval is kept: " + first);
        assertTrue(afterSlowDown >= 5950, "slow_down adds 5 s: " + afterSlowDown);
        assertEquals("cid-builder-secret", Json.tryParseObject(polls.get(0).getBody()).path("clientSecret").asText());
        Response credential = admin().get("/admin/v1/credentials/" + credentialId);
        assertEquals("oauth", credential.jsonPath().getString("kind"));
        assertFalse(credential.asString().contains("kat-builder") || credential.asString().contains("krt-builder")
                || credential.asString().contains("cid-builder-secret"), credential.asString());
        await("the pool holds only the credential", Duration.ofSeconds(5), () -> pools.refreshable().stream()
                .map(r -> r.id().toString()).toList().equals(List.of(credentialId)));

        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(OpenAiFixtures.MASTER).baseUrl(gateway.toString())
                .maxRetries(0).build();
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("kiro/claude-sonnet-4.5").addSystemMessage("Be brief.").addUserMessage("Hi").build());
        assertEquals("Hello 🙂", completion.choices().get(0).message().content().orElseThrow());
        assertEquals("Hello 🙂", OpenAiSdk.streamedText(client, "kiro/claude-sonnet-4.5"));

        JsonNode messages = anthropic("messages");
        assertEquals("Hello 🙂", messages.path("text").asText(), messages.toString());
        assertEquals("end_turn", messages.path("stop_reason").asText());
        JsonNode streamed = anthropic("stream");
        assertEquals("Hello 🙂", streamed.path("streamed").asText(), streamed.toString());

        List<LoggedRequest> chats = KiroUpstreams.server().findAll(postRequestedFor(urlEqualTo(
                "/kiro-api/generateAssistantResponse")));
        assertEquals(4, chats.size());
        for (LoggedRequest chat : chats) {
            JsonNode body = Json.tryParseObject(chat.getBody());
            assertEquals(PROFILE, body.path("profileArn").asText(), "the profile found at login");
            assertEquals("claude-sonnet-4.5", body.path("conversationState").path("currentMessage")
                    .path("userInputMessage").path("modelId").asText());
            assertEquals("true", chat.getHeader("x-amzn-codewhisperer-optout"));
            assertEquals("vibe", chat.getHeader("x-amzn-kiro-agent-mode"));
            assertEquals("attempt=1; max=3", chat.getHeader("amz-sdk-request"));
            assertNotNull(chat.getHeader("amz-sdk-invocation-id"));
            assertTrue(chat.getHeader("x-amz-user-agent").matches("aws-sdk-js/1\\.0\\.27 KiroIDE-[0-9a-f]{64}"),
                    chat.getHeader("x-amz-user-agent"));
        }
        assertEquals(chats.get(0).getHeader("x-amz-user-agent"), chats.get(3).getHeader("x-amz-user-agent"),
                "one stable fingerprint per credential");
        assertTrue(Json.tryParseObject(chats.get(0).getBody()).path("conversationState").path("currentMessage")
                .path("userInputMessage").path("content").asText().startsWith("Be brief.\n\nHi"));

        for (boolean stream : new boolean[]{false, true}) {
            Response answer = chat(stream);
            answer.then().statusCode(200);
            Map<String, Object> row = ledgerRow(answer.header("x-request-id"));
            assertEquals("kiro", row.get("provider_type"));
            assertEquals("estimated", row.get("usage_source"), "Kiro reports no token counts: estimated, and marked");
            assertEquals("unpriced", row.get("price_status"), "no catalogue price: cost unknown, never 0");
            assertNull(row.get("cost_micros"));
            assertTrue(((Number) row.get("output_tokens")).longValue() > 0);
            assertEquals(credentialId, String.valueOf(row.get("credential_id")));
            assertCredits(answer, "0.05");
            lastRequestId = answer.header("x-request-id");
        }
        assertTrue(requestsPage().contains("\"credits\":\"0.05\""), "the ledger list shows the credits");
        String csv = admin().get("/admin/v1/usage/export").asString();
        assertTrue(csv.lines().findFirst().orElseThrow().endsWith(",streamed,credits"), csv);
        assertTrue(csv.lines().anyMatch(line -> line.startsWith(lastRequestId + ",") && line.endsWith(",0.05")),
                "the export carries the credits: " + csv);

        // an operator's price per credit (tokens explicitly free: Kiro bills credits): 0.05 credits x 0.04 USD
        admin().body(Map.of("provider", "kiro", "model", "claude-sonnet-4.5", "reason", "Kiro overage rate",
                "prices", Map.of("inputMtok", "0", "outputMtok", "0", "units", Map.of("credits", "0.04"))))
                .post("/admin/v1/prices").then().statusCode(201);
        for (boolean stream : new boolean[]{false, true}) {
            BillQuoteReprice.Checked checked = BillQuoteReprice.check("kiro stream=" + stream, chat(stream));
            assertEquals(0, new BigDecimal("0.002").compareTo(checked.billed()), checked.row().prettify());
            assertEquals(2_000, checked.row().getLong("costMicros"));
            assertEquals("0.05", checked.row().getString("credits"));
            assertEquals("estimated", checked.row().getString("usageSource"));
        }
        // no metering in the answer: the credits are unknown, so is the cost (the tokens' 0 is not the bill)
        KiroUpstreams.server().stubFor(post("/kiro-api/generateAssistantResponse").atPriority(1)
                .withHeader("Authorization", equalTo("Bearer kat-builder")).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/vnd.amazon.eventstream")
                        .withBody(frames(event("assistantResponseEvent", "{\"content\":\"Hello\"}")))));
        JsonPath unmetered = BillQuoteReprice.ledgerRow(chat(true).header("x-request-id"));
        assertEquals("unpriced", unmetered.getString("priceStatus"), unmetered.prettify());
        assertNull(unmetered.get("costMicros"));
        assertNull(unmetered.get("credits"));
    }

    static Response chat(boolean stream) {
        Response answer = admin().body(Map.of("model", "kiro/claude-sonnet-4.5", "stream", stream, "messages",
                List.of(Map.of("role", "user", "content", "Hi")))).post("/v1/chat/completions");
        answer.asString();
        return answer;
    }

    /** The row of an answer shows the metered credits through the admin API and the console. */
    static void assertCredits(Response answer, String credits) throws Exception {
        String id = answer.header("x-request-id");
        JsonPath row = BillQuoteReprice.ledgerRow(id);
        assertEquals(credits, row.getString("credits"), row.prettify());
        assertEquals(new BigDecimal(credits).movePointRight(6).longValueExact(),
                row.getLong("usageUnits.micro_credits"));
        Response signIn = io.restassured.RestAssured.given().redirects().follow(false)
                .formParam("credential", OpenAiFixtures.MASTER).post("/console/login");
        String page = io.restassured.RestAssured.given().cookies(signIn.getCookies()).get("/console/requests/" + id)
                .asString();
        assertTrue(page.contains(">credits</th><td>" + credits + "<"), page);
    }

    static String requestsPage() {
        return admin().get("/admin/v1/ledger?model=kiro/claude-sonnet-4.5&limit=5").asString();
    }

    JsonNode anthropic(String scenario) {
        return NodeSdk.run("anthropic.mjs", scenario, Map.of("TL_BASE_URL", gateway.toString().replaceAll("/v1/?$",
                ""), "TL_API_KEY", OpenAiFixtures.MASTER, "TL_MODEL", "kiro/claude-sonnet-4.5"));
    }

    @Test
    void identityCenterLoginsUseTheirStartUrlAndRegionAndEndDeniedOrExpired() throws Exception {
        long later = Instant.now().getEpochSecond() + 86400;
        String portal = "https://acme.awsapps.com/start";
        authorize("eu-west-1", "cid-idc", later, portal, "kdev-denied", "IDC-DENY");
        polls("eu-west-1", "kdev-denied", List.of(error("{\"error\":\"authorization_pending\"}"),
                error("{\"error\":\"access_denied\"}")));
        Map<String, Object> idc = Map.of("provider", "kiro", "label", "acme", "options", Map.of("start-url", portal,
                "region", "eu-west-1"));
        String denied = start(idc);
        await("the login ends", Duration.ofSeconds(20), () -> !"pending".equals(loginStatus(denied)));
        assertEquals("denied", loginStatus(denied));
        assertEquals(2, pollsOf("eu-west-1", "kdev-denied").size());

        KiroUpstreams.server().resetMappings();
        authorize("eu-west-1", "cid-idc2", later, portal, "kdev-expired", "IDC-EXPI");
        // AWS also names errors by exception
        polls("eu-west-1", "kdev-expired", List.of(error("{\"__type\":\"ExpiredTokenException\","
                + "\"message\":\"expired\"}")));
        String expired = start(idc);
        await("the login ends", Duration.ofSeconds(20), () -> !"pending".equals(loginStatus(expired)));
        assertEquals("expired", loginStatus(expired));

        // only the options a login may set, and with values its type takes
        admin().body(Map.of("provider", "kiro", "options", Map.of("profile-arn", PROFILE))).post(
                "/admin/v1/credentials/logins").then().statusCode(400);
        admin().body(Map.of("provider", "kiro", "options", Map.of("region", "mars"))).post(
                "/admin/v1/credentials/logins").then().statusCode(400);
    }

    @Test
    void aTokenIsRefreshedBeforeExpiryOnceAcrossTwoReplicasReRegisteringAnExpiredClient() throws Exception {
        // the client registration is already expired when the first refresh comes: it is registered again first
        long expiredClient = Instant.now().getEpochSecond() - 10;
        authorize("us-east-1", "cid-old", expiredClient, "https://view.awsapps.com/start", "kdev-refresh",
                "KIRO-0002");
        polls("us-east-1", "kdev-refresh", List.of(okJson("{\"accessToken\":\"kat-short\",\"tokenType\":\"Bearer\","
                + "\"expiresIn\":12,\"refreshToken\":\"krt-1\"}")));
        KiroUpstreams.server().stubFor(post("/oidc/us-east-1/client/register").atPriority(1)
                .inScenario("register").whenScenarioStateIs("again").willReturn(okJson("{\"clientId\":\"cid-new\","
                        + "\"clientSecret\":\"cid-new-secret\",\"clientSecretExpiresAt\":" + (Instant.now()
                                .getEpochSecond() + 86400)
                        + "}")));
        KiroUpstreams.server().stubFor(post("/oidc/us-east-1/token")
                .withRequestBody(matchingJsonPath("$.grantType", equalTo("refresh_token")))
                .withRequestBody(matchingJsonPath("$.refreshToken", equalTo("krt-1")))
                .withRequestBody(matchingJsonPath("$.clientId", equalTo("cid-new")))
                .willReturn(okJson("{\"accessToken\":\"kat-long\",\"expiresIn\":3600,\"refreshToken\":\"krt-2\"}")
                        .withFixedDelay(1500)));
        KiroUpstreams.server().stubFor(post("/kiro-api/ListAvailableProfiles").willReturn(okJson("{\"profiles\":[]}")));

        TokenRefresher other = replica.refresher();
        String id = start(Map.of("provider", "kiro", "label", "short"));
        await("the login ends", Duration.ofSeconds(15), () -> !"pending".equals(loginStatus(id)));
        String credentialId = admin().get("/admin/v1/credentials/logins/" + id).jsonPath().getString("credentialId");
        assertNotNull(credentialId, admin().get("/admin/v1/credentials/logins/" + id).asString());
        OffsetDateTime firstExpiry = OffsetDateTime.parse(admin().get("/admin/v1/credentials/" + credentialId)
                .jsonPath().getString("expiresAt"));
        KiroUpstreams.server().setScenarioState("register", "again");

        // both replicas race for the refresh as soon as it is due (the sweep of this one runs as well)
        java.util.UUID uuid = java.util.UUID.fromString(credentialId);
        List<CompletableFuture<Void>> racers = new ArrayList<>();
        await("the token is due", Duration.ofSeconds(15), () -> store.find(uuid).await().atMost(Duration.ofSeconds(5))
                .refreshAt().toInstant().isBefore(Instant.now()));
        for (int i = 0; i < 10; i++) {
            racers.add(other.refresh(uuid).subscribe().asCompletionStage());
            racers.add(refresher.refresh(uuid).subscribe().asCompletionStage());
        }
        for (CompletableFuture<Void> racer : racers) {
            racer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        await("the refresh is stored", Duration.ofSeconds(10), () -> !admin().get("/admin/v1/credentials/"
                + credentialId).jsonPath().getString("expiresAt").equals(firstExpiry.toString())
                && OffsetDateTime.parse(admin().get("/admin/v1/credentials/" + credentialId).jsonPath()
                        .getString("expiresAt")).isAfter(firstExpiry.plusMinutes(30)));
        Response refreshed = admin().get("/admin/v1/credentials/" + credentialId);
        assertEquals("enabled", refreshed.jsonPath().getString("status"), refreshed.asString());
        assertTrue(OffsetDateTime.parse(refreshed.jsonPath().getString("lastRefreshAt")).isBefore(firstExpiry),
                "refreshed before expiry");
        assertEquals(1, KiroUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo("/oidc/us-east-1/token"))
                .withRequestBody(matchingJsonPath("$.grantType", equalTo("refresh_token"))).build()).getCount(),
                "one refresh across both replicas");
        assertEquals(2, KiroUpstreams.server().countRequestsMatching(postRequestedFor(urlEqualTo(
                "/oidc/us-east-1/client/register")).build()).getCount(), "the expired client registered again once");

        answers("kat-long");
        admin().body(Map.of("model", "kiro/claude-sonnet-4.5", "messages", List.of(Map.of("role", "user", "content",
                "Hi")))).post("/v1/chat/completions").then().statusCode(200);
        LoggedRequest chat = KiroUpstreams.server().findAll(postRequestedFor(urlEqualTo(
                "/kiro-api/generateAssistantResponse"))).get(0);
        assertFalse(Json.tryParseObject(chat.getBody()).has("profileArn"), "a Builder ID without a profile sends none");
    }
}
