package dev.tokenledger.provider.azure;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tokenledger.testing.OpenAiFixtures.COMPLETION;
import static dev.tokenledger.testing.OpenAiFixtures.STREAM;
import static dev.tokenledger.testing.OpenAiFixtures.USAGE_EVENT;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OpenAI chat clients served by {@code azure-openai} upstreams on WireMock: the deployment and api-version in the URL
 * and the api-key header (classic API), or the v1 path with a bearer token.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AzureOpenAiUpstreamTest {

    private static final String DEPLOYMENT = "/azure/openai/deployments/gpt4o-prod/chat/completions";
    private static final String CLASSIC = DEPLOYMENT + "?api-version=2024-10-21";

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    private void answer(String path, int status, String contentType, String body) {
        upstream.stubFor(post(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", contentType).withBody(body)));
    }

    /** The gateway's answer to a chat completion written with single quotes, which must succeed. */
    private static String chat(String singleQuotedRequest) {
        return GatewayCalls.post("/v1/chat/completions", singleQuotedRequest).then().statusCode(200).extract().asString();
    }

    @Test
    void classicApiPutsTheDeploymentAndVersionInTheUrlAndTheKeyInApiKey() {
        answer(DEPLOYMENT, 200, "application/json", COMPLETION);

        String body = chat("{'model':'azure-mock/gpt4o-prod','messages':[{'role':'user','content':'Hi'}],'seed':3}");

        assertEquals(COMPLETION, body, "an OpenAI-format answer passes through byte for byte");
        upstream.verify(1, postRequestedFor(urlEqualTo(CLASSIC))
                .withHeader("api-key", equalTo(Upstreams.AZURE_KEY))
                .withHeader("Authorization", absent())
                .withHeader("Accept", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"model\":\"gpt4o-prod\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"Hi\"}],\"seed\":3}")));
    }

    @Test
    void streamsAskForUsageAndPassThrough() {
        answer(DEPLOYMENT, 200, "text/event-stream", STREAM);

        String body = chat("{'model':'azure-mock/gpt4o-prod','stream':true,'messages':[{'role':'user','content':'Hi'}]}");

        assertEquals(STREAM.replace(USAGE_EVENT, ""), body);
        upstream.verify(postRequestedFor(urlEqualTo(CLASSIC))
                .withHeader("api-key", equalTo(Upstreams.AZURE_KEY))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"model\":\"gpt4o-prod\",\"stream\":true,\"stream_options\":"
                        + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
    }

    @Test
    void v1ApiTakesTheDeploymentInTheBodyAndABearerToken() {
        answer("/azure-v1/openai/v1/chat/completions", 200, "application/json", COMPLETION);

        chat("{'model':'azure-v1-mock/gpt-4o-mini','messages':[{'role':'user','content':'Hi'}]}");

        upstream.verify(1, postRequestedFor(urlEqualTo("/azure-v1/openai/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + Upstreams.AZURE_KEY))
                .withHeader("api-key", absent())
                .withRequestBody(equalToJson("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}]}")));
    }

    @Test
    void aContentFilterRefusalKeepsItsStatusAndMessage() {
        answer(DEPLOYMENT, 400, "application/json", """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's \
                content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,\
                "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":\
                {"filtered":true,"severity":"high"}}}}}""");

        GatewayCalls
                .post("/v1/chat/completions", "{'model':'azure-mock/gpt4o-prod','messages':[{'role':'user','content':'Hi'}]}")
                .then().statusCode(400)
                .body("error.message", is("The response was filtered due to the prompt triggering Azure OpenAI's content "
                        + "management policy."));
    }

    @Test
    void aDeploymentNameThatCouldLeaveThePathIsRefused() {
        GatewayCalls
                .post("/v1/chat/completions", "{'model':'azure-mock/../../admin','messages':[{'role':'user','content':'Hi'}]}")
                .then().statusCode(400)
                .body("error.param", is("model"));
        upstream.verify(0, postRequestedFor(anyUrl()));
    }
}
