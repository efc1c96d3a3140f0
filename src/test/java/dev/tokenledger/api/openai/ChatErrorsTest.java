package dev.tokenledger.api.openai;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Every error the OpenAI chat endpoint can answer, each with its status and OpenAI's error shape. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ChatErrorsTest {

    static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    static ValidatableResponse send(String body) {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(body).post("/v1/chat/completions").then();
    }

    /** OpenAI's shape: all four keys, and never a stack trace or an upstream secret. */
    static ValidatableResponse openAiError(ValidatableResponse response, int status, String type) {
        return response.statusCode(status)
                .header("Content-Type", containsString("application/json"))
                .header("x-request-id", notNullValue())
                .body("error.message", notNullValue())
                .body("error.type", is(type))
                .body("error", org.hamcrest.Matchers.hasKey("param"))
                .body("error", org.hamcrest.Matchers.hasKey("code"))
                .body(not(containsString("Exception")))
                .body(not(containsString(Upstreams.UPSTREAM_KEY)));
    }

    @Test
    void malformedJsonIs400() {
        openAiError(send("{\"model\":\"gpt-test\","), 400, "invalid_request_error");
    }

    @Test
    void missingModelIs400NamingTheParam() {
        openAiError(send("{" + HI + "}"), 400, "invalid_request_error").body("error.param", is("model"));
    }

    @Test
    void missingMessagesIs400NamingTheParam() {
        openAiError(send("{\"model\":\"gpt-test\"}"), 400, "invalid_request_error").body("error.param", is("messages"));
    }

    @Test
    void wrongTypesAre400NamingTheParam() {
        openAiError(send("{\"model\":42," + HI + "}"), 400, "invalid_request_error").body("error.param", is("model"));
        openAiError(send("{\"model\":\"gpt-test\",\"messages\":\"Hi\"}"), 400, "invalid_request_error")
                .body("error.param", is("messages"));
        openAiError(send("{\"model\":\"gpt-test\",\"stream\":\"yes\"," + HI + "}"), 400, "invalid_request_error")
                .body("error.param", is("stream"));
        openAiError(send("{\"model\":\"gpt-test\",\"max_tokens\":-5," + HI + "}"), 400, "invalid_request_error")
                .body("error.param", is("max_tokens"));
        openAiError(send("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"wizard\",\"content\":\"Hi\"}]}"), 400,
                "invalid_request_error").body("error.param", is("messages[0].role"));
        openAiError(send("[1,2,3]"), 400, "invalid_request_error");
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"\u0000\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        body[body.length - 5] = (byte) 0xC3; // a lead byte followed by a quote: not UTF-8
        openAiError(given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(body).post("/v1/chat/completions").then(), 400, "invalid_request_error");
    }

    @Test
    void missingKeyIs401() {
        openAiError(given().contentType("application/json").body("{\"model\":\"gpt-test\"," + HI + "}")
                .post("/v1/chat/completions").then(), 401, "authentication_error")
                .body("error.code", is("invalid_api_key"));
    }

    @Test
    void wrongKeyIs401() {
        openAiError(given().header("Authorization", "Bearer not-the-key").contentType("application/json")
                .body("{\"model\":\"gpt-test\"," + HI + "}").post("/v1/chat/completions").then(), 401,
                "authentication_error").body("error.message", not(containsString("not-the-key")));
        openAiError(given().header("Authorization", "Bearer not-the-key").get("/v1/models").then(), 401,
                "authentication_error");
    }

    @Test
    void unknownModelIs404AndSaysHowToListModels() {
        openAiError(send("{\"model\":\"no-such-model\"," + HI + "}"), 404, "invalid_request_error")
                .body("error.code", is("model_not_found"))
                .body("error.message", containsString("GET /v1/models"));
        openAiError(send("{\"model\":\"no-such-provider/x\"," + HI + "}"), 404, "invalid_request_error");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "x".repeat(70 * 1024);
        openAiError(send("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}"), 413,
                "invalid_request_error").body("error.code", is("request_too_large"));
    }

    @Test
    void upstream4xxPassesThroughWithTheUpstreamMessage() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(400).withBody(
                "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens.\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}")));
        openAiError(send("{\"model\":\"gpt-test\"," + HI + "}"), 400, "invalid_request_error")
                .body("error.message", is("This model's maximum context length is 128000 tokens."));
    }

    @Test
    void upstream401MessageIsPassedWithoutItsKey() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(401).withBody(
                "{\"error\":{\"message\":\"Incorrect API key provided: " + Upstreams.UPSTREAM_KEY + ".\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}")));
        openAiError(send("{\"model\":\"gpt-test\"," + HI + "}"), 401, "invalid_request_error")
                .body("error.message", containsString("[redacted]"));
    }

    @Test
    void upstream5xxIs502() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(503)
                .withBody("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")));
        openAiError(send("{\"model\":\"gpt-test\"," + HI + "}"), 502, "api_error").body("error.code", is("upstream_error"));
        openAiError(send("{\"model\":\"gpt-test\",\"stream\":true," + HI + "}"), 502, "api_error");
    }

    @Test
    void upstreamResetIs502() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        openAiError(send("{\"model\":\"gpt-test\"," + HI + "}"), 502, "api_error");
        openAiError(send("{\"model\":\"gpt-test\",\"stream\":true," + HI + "}"), 502, "api_error");
    }

    @Test
    void malformedUpstreamAnswerIs502() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody("<html>oops</html>")));
        openAiError(send("{\"model\":\"gpt-test\"," + HI + "}"), 502, "api_error")
                .body("error.code", is("upstream_malformed_response"));
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        openAiError(send("{\"model\":\"gpt-test\"," + HI + "}"), 502, "api_error");
    }

    @Test
    void upstreamTimeoutIs504() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withFixedDelay(3000)
                .withBody("{}")));
        openAiError(send("{\"model\":\"gpt-test\"," + HI + "}"), 504, "api_error").body("error.code", is("upstream_timeout"));
    }

    @Test
    void unknownPathAndMethodAnswerInOpenAiShape() {
        openAiError(given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).get("/v1/nothing-here").then(),
                404, "invalid_request_error").body("error.param", nullValue());
        given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).get("/v1/chat/completions").then()
                .statusCode(405).body("error.type", is("invalid_request_error"));
    }
}
