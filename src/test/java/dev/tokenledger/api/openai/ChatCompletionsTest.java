package dev.tokenledger.api.openai;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tokenledger.testing.OpenAiFixtures.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAI chat endpoint against a WireMock upstream: exact outbound requests, answers, usage. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ChatCompletionsTest {

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    @Test
    void nonStreamingChatIsForwardedExactlyAndAnsweredAsSent() {
        upstreamCompletes();

        String body = given().header("Authorization", "Bearer " + MASTER).contentType("application/json")
                .accept("application/json")
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"temperature\":0.2,\"logit_bias\":{\"50256\":-100},\"some_future_field\":{\"a\":[1,2]}}")
                .post("/v1/chat/completions")
                .then().statusCode(200)
                .header("Content-Type", containsString("application/json"))
                .header("x-request-id", notNullValue())
                .header("x-tokenledger-overhead-ms", matchesPattern("\\d+\\.\\d{3}"))
                // a complete answer has a known length: sent with it in one write, not as a chunked stream
                .header("Content-Length", String.valueOf(COMPLETION.getBytes(java.nio.charset.StandardCharsets.UTF_8).length))
                .header("Transfer-Encoding", nullValue())
                .extract().asString();

        assertEquals(COMPLETION, body, "the upstream's answer passes through byte for byte");
        upstream.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.UPSTREAM_KEY))
                .withHeader("x-upstream-tag", equalTo("tokenledger-test"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini-2024-07-18\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}],\"temperature\":0.2,\"logit_bias\":{\"50256\":-100},"
                        + "\"some_future_field\":{\"a\":[1,2]}}")));
    }

    @Test
    void clientKeyIsNeverForwardedUpstream() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(COMPLETION)));
        chat("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").then().statusCode(200);
        upstream.getAllServeEvents().forEach(e -> assertFalse(e.getRequest().getHeaders().all().toString().contains(MASTER)));
    }

    @Test
    void providerSlashModelRoutesStraightToTheProvider() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(COMPLETION)));
        chat("{\"model\":\"mock/some-upstream-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(200);
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(equalToJson("{\"model\":\"some-upstream-model\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}]}")));
    }

    @Test
    void streamAsksUpstreamForUsageAndHidesTheUsageChunkFromAClientThatDidNotAsk() {
        upstreamStreams();

        Response response = chat(
                "{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        response.then().statusCode(200)
                .header("Content-Type", containsString("text/event-stream"))
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no");
        assertEquals(STREAM.replace(USAGE_EVENT, ""), response.asString());
        upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.UPSTREAM_KEY))
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini-2024-07-18\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
    }

    @Test
    void streamKeepsTheUsageChunkForAClientThatAsked() {
        upstreamStreams();

        Response response = chat("{\"model\":\"gpt-test\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertEquals(STREAM, response.asString(), "the stream passes through byte for byte");
    }

    @Test
    void errorInsideA200StreamEndsTheStreamWithAnErrorEvent() {
        String stream = """
                data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}

                """;
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(stream)));

        String body = chat("{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(200).extract().asString();

        assertTrue(body.startsWith("data: {\"id\":\"c1\""), body);
        assertTrue(body.contains("data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_error\"}}\n\n"), body);
        assertFalse(body.contains("[DONE]"), body);
    }

    @Test
    void streamCutBeforeDoneEndsWithAnErrorEvent() {
        String stream = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(stream)));

        String body = chat("{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .then().statusCode(200).extract().asString();

        assertTrue(body.endsWith("\"code\":\"upstream_stream_truncated\"}}\n\n"), body);
    }

    @Test
    void clientRequestIdIsEchoedBesideTheGatewaysOwn() {
        upstream.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200).withBody(COMPLETION)));
        given().header("Authorization", "Bearer " + MASTER).header("x-request-id", "client-trace-42")
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(200).header("x-client-request-id", "client-trace-42")
                .header("x-request-id", org.hamcrest.Matchers.matchesPattern(
                        "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void modelsListAliasesAndTheirProviderRoutes() {
        given().header("Authorization", "Bearer " + MASTER).get("/v1/models")
                .then().statusCode(200)
                .body("object", is("list"))
                .body("data.id", org.hamcrest.Matchers.hasItems("gpt-test", "mock/gpt-4o-mini-2024-07-18", "slow-stream"))
                .body("data[0].object", is("model"));
        given().header("Authorization", "Bearer " + MASTER).get("/v1/models/mock/gpt-4o-mini-2024-07-18")
                .then().statusCode(200).body("id", is("mock/gpt-4o-mini-2024-07-18")).body("owned_by", is("mock"));
        given().header("Authorization", "Bearer " + MASTER).get("/v1/models/gpt-test")
                .then().statusCode(200).body("id", is("gpt-test"));
        given().header("Authorization", "Bearer " + MASTER).get("/v1/models/nope")
                .then().statusCode(404).body("error.type", is("invalid_request_error"))
                .body("error.code", is("model_not_found"));
    }

    @Test
    void embeddingsAreForwardedWithTheUpstreamModel() {
        String answer = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,-0.2]}],"
                + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
        upstream.stubFor(post("/v1/embeddings").willReturn(aResponse().withStatus(200).withBody(answer)));

        String body = given().header("Authorization", "Bearer " + MASTER)
                .body("{\"model\":\"mock/text-embedding-3-small\",\"input\":\"hello\",\"dimensions\":2}")
                .post("/v1/embeddings").then().statusCode(200).extract().asString();

        assertEquals(answer, body);
        upstream.verify(postRequestedFor(urlEqualTo("/v1/embeddings"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.UPSTREAM_KEY))
                .withRequestBody(equalToJson("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\",\"dimensions\":2}")));
    }

    static Response chat(String json) {
        return given().header("Authorization", "Bearer " + MASTER).contentType("application/json")
                .accept("application/json, text/event-stream").body(json).post("/v1/chat/completions");
    }
}
