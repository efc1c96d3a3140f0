package dev.tokenledger.provider.openai;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tokenledger.testing.OpenAiFixtures.COMPLETION;
import static dev.tokenledger.testing.OpenAiFixtures.MASTER;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

/**
 * A custom OpenAI-compatible server by configuration alone: type {@code openai}, its base URL, no key, extra headers.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class CustomOpenAiProviderTest {

    WireMockServer upstream;

    @BeforeEach
    void reset() {
        upstream = GatewayCalls.freshUpstream();
    }

    @Test
    void aKeylessServerGetsTheConfiguredHeadersAndNoCredentials() {
        upstream.stubFor(post("/custom/v1/chat/completions")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(COMPLETION)));

        given().header("Authorization", "Bearer " + MASTER).contentType("application/json")
                .body("{\"model\":\"custom-mock/qwen2.5-7b-instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(200).body("choices[0].message.content", is("Hello there!"));

        upstream.verify(1, postRequestedFor(urlEqualTo("/custom/v1/chat/completions"))
                .withHeader("x-tenant", equalTo("acme"))
                .withHeader("HTTP-Referer", equalTo("https://tokenledger.dev"))
                .withHeader("Authorization", absent())
                .withHeader("api-key", absent())
                .withRequestBody(equalToJson("{\"model\":\"qwen2.5-7b-instruct\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}]}")));
    }
}
