package dev.tokenledger.credentials;

import java.math.BigDecimal;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tokenledger.testing.BillQuoteReprice;
import dev.tokenledger.testing.SigV4Verifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AWS key pairs stored through the admin API ({@code aws}: access key id, secret access key, optional session token)
 * sign a {@code bedrock} provider's requests, against a Bedrock stand-in that answers only requests whose SigV4
 * signature verifies with the test key ({@link SigV4Verifier}, independent of the SDK signer); the secret and the token
 * are never shown again. And Bedrock rows priced from the catalogue by inference-profile id and ARN, bill equal to
 * quote and reprice, with no cousin's price for an unknown one. And InvokeModel: Anthropic clients' bodies pass
 * through to {@code /invoke} and {@code /invoke-with-response-stream}, signed, and come back in Anthropic's format.
 */
@QuarkusTest
@QuarkusTestResource(value = KiroUpstreams.class, restrictToAnnotatedClass = true)
class AwsKeysTest {

    static final String MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//session+token=";

    @BeforeEach
    void standIn() {
        KiroUpstreams.server().resetAll();
        // 200 only for a request signed with the test key, in the provider's region, for the bedrock service
        KiroUpstreams.server().stubFor(post(urlPathMatching("/bedrock/model/[^/]+/converse")).atPriority(1)
                .andMatching(AwsKeysTest::signedWithTheTestKey).willReturn(okJson("""
                        {"output":{"message":{"role":"assistant","content":[{"text":"Bonjour"}]}},
                         "stopReason":"end_turn","usage":{"inputTokens":800,"outputTokens":500,"totalTokens":1500,
                         "cacheReadInputTokens":200,"cacheWriteInputTokens":0},"metrics":{"latencyMs":12}}""")));
        KiroUpstreams.server().stubFor(post(urlPathMatching("/bedrock/model/[^/]+/invoke")).atPriority(1)
                .andMatching(AwsKeysTest::signedWithTheTestKey).willReturn(okJson("""
                        {"id":"msg_bdrk_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                         "content":[{"type":"text","text":"Grüß dich"}],"stop_reason":"end_turn","stop_sequence":null,
                         "usage":{"input_tokens":30,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,
                         "output_tokens":4}}""")));
        KiroUpstreams.server().stubFor(post(urlPathMatching("/bedrock/model/[^/]+/invoke-with-response-stream"))
                .atPriority(1).andMatching(AwsKeysTest::signedWithTheTestKey).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/vnd.amazon.eventstream").withBody(invokeStream())));
        KiroUpstreams.server().stubFor(post(urlPathMatching("/bedrock/.*")).atPriority(5).willReturn(aResponse()
                .withStatus(403).withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType",
                        "InvalidSignatureException")
                .withBody("{\"message\":\"The request signature we calculated does "
                        + "not match the signature you provided.\"}")));
    }

    /** Anthropic's stream events, each in a {@code chunk} frame as base64 {@code bytes}. */
    static byte[] invokeStream() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String event : List.of(
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bdrk_02\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                        + "\"stop_reason\":null,\"usage\":{\"input_tokens\":30,\"output_tokens\":1}}}",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Grüß \"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"dich\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":4}}",
                "{\"type\":\"message_stop\"}")) {
            String bytes = java.util.Base64.getEncoder().encodeToString(event.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            out.writeBytes(dev.tokenledger.stream.EventStreamFrame.event("chunk", ("{\"bytes\":\"" + bytes + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).encode());
        }
        return out.toByteArray();
    }

    static MatchResult signedWithTheTestKey(Request request) {
        Map<String, String> headers = new HashMap<>();
        request.getHeaders().all().forEach(h -> headers.put(h.key(), h.firstValue()));
        String path = URI.create(request.getAbsoluteUrl()).getRawPath();
        return MatchResult.of(SigV4Verifier.problem("POST", path, headers, request.getBody(), "eu-west-3",
                "bedrock") == null);
    }

    static Response create(Map<String, Object> aws) {
        return LoginSuite.admin().body(Map.of("provider", "bedrock", "label", "aws-" + aws.size(), "aws", aws))
                .post("/admin/v1/credentials");
    }

    static Response chat(String model) {
        Response answer = LoginSuite.admin().body(Map.of("model", "bedrock/" + model, "messages",
                List.of(Map.of("role", "user", "content", "Salut")))).post("/v1/chat/completions");
        answer.asString();
        return answer;
    }

    static void disableAll() {
        for (String id : LoginSuite.admin().get("/admin/v1/credentials?provider=bedrock").jsonPath()
                .<String>getList("id")) {
            LoginSuite.admin().body(Map.of("status", "disabled")).patch("/admin/v1/credentials/" + id).then()
                    .statusCode(200);
        }
    }

    static LoggedRequest lastSent() {
        List<LoggedRequest> sent = KiroUpstreams.server().findAll(postRequestedFor(urlPathMatching("/bedrock/.*")));
        return sent.get(sent.size() - 1);
    }

    static void assertBadRequest(Map<String, Object> body, String param) {
        Response refused = LoginSuite.admin().body(body).post("/admin/v1/credentials");
        refused.then().statusCode(400);
        assertEquals("invalid_request_error", refused.jsonPath().getString("error.type"), refused.asString());
        assertEquals(param, refused.jsonPath().getString("error.param"), refused.asString());
        assertFalse(refused.asString().contains(SigV4Verifier.SECRET), "a secret is never echoed: " + refused.asString());
    }

    @Test
    void storedKeysSignBedrockRequestsWithAndWithoutASessionTokenAndAreNeverShown() throws Exception {
        Map<String, Object> good = Map.of("accessKeyId", SigV4Verifier.KEY_ID, "secretAccessKey", SigV4Verifier.SECRET);
        assertBadRequest(Map.of("provider", "kiro", "label", "x", "aws", good), "aws");
        assertBadRequest(Map.of("provider", "bedrock", "label", "x", "aws", Map.of("accessKeyId", "akid-1",
                "secretAccessKey", SigV4Verifier.SECRET)), "aws.accessKeyId");
        assertBadRequest(Map.of("provider", "bedrock", "label", "x", "aws", Map.of("accessKeyId",
                SigV4Verifier.KEY_ID)), "aws.secretAccessKey");
        assertBadRequest(Map.of("provider", "bedrock", "label", "x", "aws", Map.of("accessKeyId", SigV4Verifier.KEY_ID,
                "secretAccessKey", "a:b")), "aws.secretAccessKey");
        assertBadRequest(Map.of("provider", "bedrock", "label", "x", "apiKey", "k", "aws", good), "apiKey");
        Response unknown = LoginSuite.admin().body(Map.of("provider", "bedrock", "label", "x", "aws",
                Map.of("accessKeyId", SigV4Verifier.KEY_ID, "secretKey", SigV4Verifier.SECRET)))
                .post("/admin/v1/credentials");
        unknown.then().statusCode(400);
        assertTrue(unknown.asString().contains("secretKey"), unknown.asString());
        assertFalse(unknown.asString().contains(SigV4Verifier.SECRET), unknown.asString());

        disableAll();
        Response stored = create(good);
        stored.then().statusCode(201);
        String plain = stored.jsonPath().getString("id");
        assertEquals("aws", stored.jsonPath().getString("kind"));
        Response view = LoginSuite.admin().get("/admin/v1/credentials/" + plain);
        Response listed = LoginSuite.admin().get("/admin/v1/credentials?provider=bedrock");
        for (Response shown : List.of(stored, view, listed)) {
            assertFalse(shown.asString().contains(SigV4Verifier.SECRET), shown.asString());
        }
        Response answer = chat(MODEL);
        answer.then().statusCode(200);
        assertEquals("Bonjour", answer.jsonPath().getString("choices[0].message.content"));
        assertNull(lastSent().getHeader("X-Amz-Security-Token"));
        assertEquals(plain, BillQuoteReprice.ledgerRow(answer.header("x-request-id")).getString("credentialId"));

        // temporary credentials: the session token is sent and signed
        disableAll();
        Map<String, Object> temporary = Map.of("accessKeyId", SigV4Verifier.KEY_ID, "secretAccessKey",
                SigV4Verifier.SECRET, "sessionToken", SESSION_TOKEN);
        Response session = create(temporary);
        session.then().statusCode(201);
        assertFalse(session.asString().contains(SESSION_TOKEN));
        assertFalse(LoginSuite.admin().get("/admin/v1/credentials").asString().contains(SESSION_TOKEN));
        answer = chat(MODEL);
        answer.then().statusCode(200);
        assertEquals(SESSION_TOKEN, lastSent().getHeader("X-Amz-Security-Token"));
        assertTrue(lastSent().getHeader("Authorization").contains("x-amz-security-token"), "the token is signed");
        assertEquals(session.jsonPath().getString("id"), BillQuoteReprice.ledgerRow(answer.header("x-request-id"))
                .getString("credentialId"));

        // the stand-in refuses what does not verify: a key pair with another secret is not served
        disableAll();
        create(Map.of("accessKeyId", SigV4Verifier.KEY_ID, "secretAccessKey", "another/secret+EXAMPLEKEY"))
                .then().statusCode(201);
        assertEquals(403, chat(MODEL).statusCode());
        disableAll();
        create(good).then().statusCode(201);
    }

    @Test
    void anthropicClientsPassThroughInvokeModelSignedWithAConfiguredKeyAndSessionToken() throws Exception {
        for (boolean stream : new boolean[]{false, true}) {
            Response answer = io.restassured.RestAssured.given().header("x-api-key",
                    dev.tokenledger.testing.OpenAiFixtures.MASTER).header("anthropic-version", "2023-06-01")
                    .contentType("application/json").body(Map.of("model", "bedrock-invoke/" + MODEL, "max_tokens",
                            64, "stream", stream, "system", "Kurz.", "messages", List.of(Map.of("role", "user",
                                    "content", "Hallo"))))
                    .post("/v1/messages");
            String text = answer.asString();
            answer.then().statusCode(200);
            LoggedRequest sent = lastSent();
            assertEquals("/bedrock/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/"
                    + (stream ? "invoke-with-response-stream" : "invoke"), URI.create(sent.getAbsoluteUrl()).getRawPath());
            assertEquals("invoke-session-token", sent.getHeader("X-Amz-Security-Token"));
            com.fasterxml.jackson.databind.JsonNode body = dev.tokenledger.json.Json.tryParseObject(sent.getBody());
            assertEquals("bedrock-2023-05-31", body.path("anthropic_version").asText(), body.toString());
            assertFalse(body.has("model") || body.has("stream"), body.toString());
            assertEquals("Kurz.", body.path("system").asText());
            assertEquals("Hallo", body.path("messages").path(0).path("content").asText());
            if (stream) {
                assertTrue(text.contains("event: message_stop"), text);
                assertTrue(text.contains("\"text\":\"Grüß \"") && text.contains("\"text\":\"dich\""), text);
            } else {
                assertEquals("Grüß dich", answer.jsonPath().getString("content[0].text"));
            }
            JsonPath row = BillQuoteReprice.ledgerRow(answer.header("x-request-id"));
            assertEquals(30, row.getLong("inputTokens"), row.prettify());
            assertEquals(4, row.getLong("outputTokens"));
            assertEquals("provider", row.getString("usageSource"));
            assertEquals("aws", row.getString("priceProvider"));
        }
    }

    @Test
    void inferenceProfilesAndArnsArePricedByTheirOwnEntryBillEqualsQuoteAndAnUnknownOneIsUnpriced()
            throws Exception {
        disableAll();
        create(Map.of("accessKeyId", SigV4Verifier.KEY_ID, "secretAccessKey", SigV4Verifier.SECRET)).then()
                .statusCode(201);
        // usage 1000 in (200 read from cache), 500 out; regional Sonnet 4.5 3.3 / 0.33 / 16.5, global 3 / 0.3 / 15
        BigDecimal regional = new BigDecimal("0.00264").add(new BigDecimal("0.000066")).add(new BigDecimal("0.00825"));
        BigDecimal global = new BigDecimal("0.0024").add(new BigDecimal("0.00006")).add(new BigDecimal("0.0075"));
        String profileArn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/kq1x2example";
        LoginSuite.admin().body(Map.of("provider", "aws", "model", profileArn, "reason", "our profile of Sonnet 4.5",
                "prices", Map.of("inputMtok", "2", "cacheReadMtok", "0.2", "outputMtok", "10")))
                .post("/admin/v1/prices").then().statusCode(201);
        BigDecimal own = new BigDecimal("0.0016").add(new BigDecimal("0.00004")).add(new BigDecimal("0.005"));
        Map<String, Object[]> cases = new java.util.LinkedHashMap<>();
        cases.put(MODEL, new Object[]{"regional.anthropic.claude-sonnet-4-5-20250929-v1:0", regional});
        cases.put("eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
                new Object[]{"regional.anthropic.claude-sonnet-4-5-20250929-v1:0", regional});
        cases.put("global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                new Object[]{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", global});
        cases.put("arn:aws:bedrock:eu-west-3::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
                new Object[]{"regional.anthropic.claude-sonnet-4-5-20250929-v1:0", regional});
        cases.put("arn:aws:bedrock:eu-west-3:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                new Object[]{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", global});
        cases.put(profileArn, new Object[]{profileArn, own});
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            BillQuoteReprice.Checked checked = BillQuoteReprice.check(c.getKey(), chat(c.getKey()));
            assertEquals(c.getValue()[0], checked.row().getString("priceModel"), c.getKey());
            assertEquals("aws", checked.row().getString("priceProvider"), c.getKey());
            assertEquals(0, ((BigDecimal) c.getValue()[1]).compareTo(checked.billed()), c.getKey() + ": "
                    + checked.billed());
            assertEquals(1000, checked.row().getLong("inputTokens"), "Converse's input plus the cache read");
        }
        for (String unknown : List.of("us.anthropic.claude-sonnet-4-5-20990101-v1:0",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/unknown01",
                "arn:aws:bedrock:eu-west-3::foundation-model/anthropic.claude-sonnet-4-5-20990101-v1:0")) {
            Response answer = chat(unknown);
            answer.then().statusCode(200);
            JsonPath row = BillQuoteReprice.ledgerRow(answer.header("x-request-id"));
            assertEquals("unpriced", row.getString("priceStatus"), unknown + ": no cousin's price");
            assertNull(row.get("costMicros"), unknown);
        }
    }
}
