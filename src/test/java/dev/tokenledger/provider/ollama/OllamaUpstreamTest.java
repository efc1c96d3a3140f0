package dev.tokenledger.provider.ollama;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiStreamSummary;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI chat clients served by an Ollama upstream ({@code ollama} type, native {@code /api/chat}) on WireMock. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class OllamaUpstreamTest {

    private static final String CHAT = "/ollama/api/chat";

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    private void answer(String golden, String contentType) {
        upstream.stubFor(post(CHAT).willReturn(aResponse().withStatus(200).withHeader("Content-Type", contentType)
                .withBody(Golden.bytes(golden))));
    }

    @Test
    void jsonChatIsTranslatedBothWaysWithUsage() {
        answer("ollama/chat-response-basic.json", "application/json; charset=utf-8");

        GatewayCalls.post("/v1/chat/completions",
                "{'model':'llama-test','messages':[{'role':'system','content':'Be brief.'},{'role':'user','content':'Capital "
                        + "of Australia?'}],'temperature':0.2,'max_tokens':64,'stop':['END']}")
                .then().statusCode(200)
                .header("Content-Type", containsString("application/json"))
                .body("object", is("chat.completion"))
                .body("model", is("llama3.2"))
                .body("choices[0].message.role", is("assistant"))
                .body("choices[0].message.content", is("The capital of Australia is Canberra."))
                .body("choices[0].finish_reason", is("stop"))
                .body("usage.prompt_tokens", is(26))
                .body("usage.completion_tokens", is(9))
                .body("usage.total_tokens", is(35));

        upstream.verify(1, postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Authorization", absent())
                .withRequestBody(
                        equalToJson(GatewayCalls.json("{'model':'llama3.2','messages':[{'role':'system','content':'Be brief.'},"
                                + "{'role':'user','content':'Capital of Australia?'}],"
                                + "'options':{'num_predict':64,'temperature':0.2,'stop':['END']},'stream':false}"))));
    }

    @Test
    void streamIsTranslatedChunkByChunkWithReasoningAndUsage() {
        answer("ollama/chat-stream-basic.ndjson", "application/x-ndjson");

        Response response = GatewayCalls.post("/v1/chat/completions",
                "{'model':'llama-test','stream':true,'stream_options':{'include_usage':true},"
                        + "'messages':[{'role':'user','content':'Hi'}]}");

        response.then().statusCode(200).header("Content-Type", containsString("text/event-stream"));
        assertEquals("reasoning=The user greets; answer warmly.\ntext=Hello 🙂 ¡Olá, 中文!\nfinish=stop usage=12/9 done",
                OpenAiStreamSummary.of(response.asByteArray()));
        upstream.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("Accept", equalTo("application/x-ndjson"))
                .withRequestBody(equalToJson("{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                        + "\"stream\":true}")));
    }

    @Test
    void toolConversationIsSentAsOllamaWantsItAndToolCallsComeBackWithIds() {
        answer("ollama/chat-response-tool-calls.json", "application/json");
        ObjectNode request = Golden.json("openai/chat-request-tools.json");
        request.put("model", "llama-test");

        GatewayCalls.postRaw("/v1/chat/completions", new String(Golden.write(request), StandardCharsets.UTF_8))
                .then().statusCode(200)
                .body("choices[0].finish_reason", is("tool_calls"))
                .body("choices[0].message.tool_calls[0].id", is("call_0"))
                .body("choices[0].message.tool_calls[0].type", is("function"))
                .body("choices[0].message.tool_calls[0].function.name", is("get_weather"))
                .body("choices[0].message.tool_calls[0].function.arguments",
                        is("{\"city\":\"São Paulo\",\"unit\":\"celsius\"}"))
                .body("choices[0].message.tool_calls[1].id", is("call_1"))
                .body("choices[0].message.reasoning_content",
                        is("Two independent lookups: weather for São Paulo, local time there."))
                .body("usage.prompt_tokens", is(412));

        ObjectNode expected = Golden.json("ollama/chat-request-from-openai-tools.json");
        expected.put("model", "llama3.2");
        upstream.verify(postRequestedFor(urlEqualTo(CHAT))
                .withRequestBody(equalToJson(new String(Golden.write(expected), StandardCharsets.UTF_8))));
    }

    @Test
    void anErrorLineInsideTheStreamEndsTheOpenAiStreamWithAnErrorEvent() {
        answer("ollama/chat-stream-error-after-200.ndjson", "application/x-ndjson");

        String body = GatewayCalls
                .post("/v1/chat/completions",
                        "{'model':'llama-test','stream':true,'messages':[{'role':'user','content':'Hi'}]}")
                .then().statusCode(200).extract().asString();

        assertEquals("text=Hi\nerror=upstream_error", OpenAiStreamSummary.of(body.getBytes(StandardCharsets.UTF_8)));
        assertTrue(body.contains("an error was encountered while running the model: unexpected EOF"), body);
        assertFalse(body.contains("[DONE]"), body);
    }

    @Test
    void anUpstreamErrorKeepsItsStatusAndMessageInTheOpenAiShape() {
        upstream.stubFor(post(CHAT).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody(Golden.bytes("ollama/error-model-not-found.json"))));

        GatewayCalls.post("/v1/chat/completions", "{'model':'llama-test','messages':[{'role':'user','content':'Hi'}]}")
                .then().statusCode(404)
                .body("error.message", is("model \"llama3.2\" not found, try pulling it first"))
                .body("error.type", is("invalid_request_error"));
    }

    @Test
    void aMissingPromptCountIsCompletedByTheEstimate() {
        answer("ollama/chat-response-cached-prompt.json", "application/json");

        int prompt = GatewayCalls
                .post("/v1/chat/completions",
                        "{'model':'llama-test','messages':[{'role':'user','content':'What is the capital of Australia?'}]}")
                .then().statusCode(200)
                .body("choices[0].finish_reason", is("length"))
                .body("usage.completion_tokens", is(3))
                .extract().path("usage.prompt_tokens");
        assertTrue(prompt > 5, "the prompt is counted, not billed as 0: " + prompt);
    }

    @Test
    void anImageUrlIsRefusedBeforeAnythingIsSent() {
        GatewayCalls
                .post("/v1/chat/completions",
                        "{'model':'llama-test','messages':[{'role':'user','content':[{'type':'text','text':'What is it?'},"
                                + "{'type':'image_url','image_url':{'url':'https://example.com/cat.png'}}]}]}")
                .then().statusCode(400)
                .body("error.type", is("invalid_request_error"))
                .body("error.param", is("messages[0].content[1]"));
        upstream.verify(0, postRequestedFor(urlEqualTo(CHAT)));
    }

    @Test
    void aLocalModelIsOneProviderLineAndAProviderSlashModelName() {
        answer("ollama/chat-response-basic.json", "application/json");
        GatewayCalls
                .post("/v1/chat/completions", "{'model':'ollama-mock/qwen3:8b','messages':[{'role':'user','content':'Hi'}]}")
                .then().statusCode(200);
        upstream.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson(
                "{\"model\":\"qwen3:8b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":false}")));
    }
}
