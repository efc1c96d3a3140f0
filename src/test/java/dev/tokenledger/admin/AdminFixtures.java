package dev.tokenledger.admin;

import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;

/** Set-up through the master key (which stays an admin when OIDC is on) and chat requests through virtual keys. */
final class AdminFixtures {

    static final String MODEL = "gpt-4o-mini-2024-07-18";

    private AdminFixtures() {
    }

    static RequestSpecification master() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static String createOrg(String name) {
        return master().body(Map.of("name", name)).post("/admin/v1/orgs").then().statusCode(201).extract().path("id");
    }

    static String createTeam(String name, String orgId) {
        return master().body(Map.of("name", name, "orgId", orgId)).post("/admin/v1/teams").then().statusCode(201)
                .extract().path("id");
    }

    /** The created key as answered: {@code id}, {@code key}, {@code prefix}, ... */
    static JsonPath createKey(String name, String teamId) {
        return master().body(Map.of("name", name, "teamId", teamId)).post("/admin/v1/keys").then().statusCode(201)
                .extract().jsonPath();
    }

    /** Input 2.50 and output 10 USD per million tokens for the model behind {@code gpt-test}. */
    static void priceTestModel() {
        OpenAiFixtures.priceMockModel();
    }

    /** One chat completion through {@code key}; answers the request id of its ledger row, once that row exists. */
    static String chat(String key) throws InterruptedException {
        return chat(key, null);
    }

    /** One chat completion through {@code key} for the end user {@code user} (none when null); as {@link #chat(String)}. */
    static String chat(String key, String user) throws InterruptedException {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        Response response = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-test\"," + (user == null ? "" : "\"user\":\"" + user + "\",")
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        response.then().statusCode(200);
        String requestId = response.header("x-request-id");
        awaitLedgerRow(requestId);
        return requestId;
    }

    /** Waits for the ledger row of a request (rows are written in batches off the response path). */
    static void awaitLedgerRow(String requestId) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (master().get("/admin/v1/ledger/" + requestId).statusCode() == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no ledger row for " + requestId);
    }
}
