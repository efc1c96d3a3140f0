package dev.tokenledger.api.ollama;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tokenledger.testing.OpenAiFixtures.COMPLETION;
import static dev.tokenledger.testing.OpenAiFixtures.STREAM;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ollama-native clients on {@code POST /api/chat}: served by an OpenAI upstream, or by Ollama byte for byte. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class OllamaChatEndpointTest {

    /** A keyless OpenAI-compatible provider of the test configuration, with a timeout that suits a loaded machine. */
    private static final String OPENAI_CHAT = "/custom/v1/chat/completions";

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    @Test
    void aStreamFromAnOpenAiUpstreamIsWrittenAsNdjson() {
        upstream.stubFor(post(OPENAI_CHAT).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(STREAM)));

        Response response = GatewayCalls.post("/api/chat",
                "{'model':'custom-mock/gpt-4o-mini-2024-07-18','messages':[{'role':'user','content':'Hi'}]}");

        response.then().statusCode(200).header("Content-Type", containsString("application/x-ndjson"));
        String[] lines = response.asString().split("\n");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.length - 1; i++) {
            text.append(Golden.tree(lines[i].getBytes(StandardCharsets.UTF_8)).at("/message/content").asText());
        }
        assertEquals("Hello 🙂", text.toString());
        JsonNode done = Golden.tree(lines[lines.length - 1].getBytes(StandardCharsets.UTF_8));
        assertTrue(done.get("done").asBoolean());
        assertEquals(12, done.get("prompt_eval_count").asInt());
        assertEquals(4, done.get("eval_count").asInt());
        upstream.verify(postRequestedFor(urlEqualTo(OPENAI_CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"gpt-4o-mini-2024-07-18\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}")));
    }

    @Test
    void aJsonAnswerFromAnOpenAiUpstreamIsAnOllamaAnswer() {
        upstream.stubFor(post(OPENAI_CHAT).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(COMPLETION)));

        GatewayCalls.post("/api/chat",
                "{'model':'custom-mock/gpt-4o-mini-2024-07-18','stream':false,'messages':[{'role':'user','content':'Hi'}]}")
                .then().statusCode(200)
                .header("Content-Type", containsString("application/json"))
                .body("message.content", is("Hello there!"))
                .body("done", is(true))
                .body("done_reason", is("stop"))
                .body("prompt_eval_count", is(19))
                .body("eval_count", is(3));
    }

    @Test
    void anOllamaUpstreamStreamPassesThroughAsItCame() {
        byte[] golden = Golden.bytes("ollama/chat-stream-basic.ndjson");
        upstream.stubFor(post("/ollama/api/chat").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-ndjson").withBody(golden)));

        byte[] body = GatewayCalls
                .post("/api/chat", "{'model':'llama-test','messages':[{'role':'user','content':'Hi'}],'keep_alive':'5m'}")
                .then().statusCode(200).extract().asByteArray();

        assertArrayEquals(golden, body);
        upstream.verify(postRequestedFor(urlEqualTo("/ollama/api/chat")).withRequestBody(equalToJson(
                "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"keep_alive\":\"5m\","
                        + "\"stream\":true}")));
    }

    @Test
    void errorsAreAnsweredInOllamasShape() {
        GatewayCalls.post("/api/chat", "{'messages':[{'role':'user','content':'Hi'}]}").then().statusCode(400)
                .body("error", containsString("model"));
        given().contentType("application/json").body("{}").post("/api/chat").then().statusCode(401)
                .body("error", org.hamcrest.Matchers.notNullValue());
    }
}
