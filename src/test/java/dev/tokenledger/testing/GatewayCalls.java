package dev.tokenledger.testing;

import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Short forms for tests that call the gateway with the master key against the WireMock upstream. */
public final class GatewayCalls {

    private GatewayCalls() {
    }

    /** JSON written with single quotes, for readable literals; the text itself must then contain none. */
    public static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** An authenticated JSON POST of a body written with single quotes. */
    public static Response post(String path, String singleQuotedJson) {
        return postRaw(path, json(singleQuotedJson));
    }

    /** An authenticated JSON POST of a body as it is. */
    public static Response postRaw(String path, String json) {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType("application/json")
                .body(json).post(path);
    }

    /** A new virtual key in a new organization and team, with the given limits if not null. */
    public static VirtualKey newKey(String limitsJson) {
        String org = master().body(Map.of("name", "org-" + UUID.randomUUID())).post("/admin/v1/orgs").then()
                .statusCode(201).extract().path("id");
        String team = master().body(Map.of("name", "team", "orgId", org)).post("/admin/v1/teams").then()
                .statusCode(201).extract().path("id");
        JsonPath key = master().body(Map.of("name", "agent", "teamId", team)).post("/admin/v1/keys").then()
                .statusCode(201).extract().jsonPath();
        if (limitsJson != null) {
            master().body(limitsJson).put("/admin/v1/limits/key/" + key.getString("id")).then().statusCode(200);
        }
        return new VirtualKey(org, team, key.getString("id"), key.getString("key"));
    }

    /** The secret of a new key, named {@code name}, in an existing team. */
    public static String keyInTeam(String teamId, String name) {
        return master().body(Map.of("name", name, "teamId", teamId)).post("/admin/v1/keys").then().statusCode(201)
                .extract().path("key");
    }

    /** {@link #newKey(String)} as {id, key}. */
    public static String[] virtualKey(String limitsJson) {
        VirtualKey key = newKey(limitsJson);
        return new String[]{key.id(), key.key()};
    }

    /**
     * Prices a model of a provider id ({@code *}: every model of it) through the admin API, per million tokens:
     * input 2.50, cache reads 1.25, output 10; an existing price is kept.
     */
    public static void price(String provider, String model, String reason) {
        int status = master().body(Map.of("provider", provider, "model", model, "effectiveFrom", "2020-01-01T00:00:00Z",
                "prices", Map.of("inputMtok", "2.50", "cacheReadMtok", "1.25", "outputMtok", "10"), "reason", reason))
                .post("/admin/v1/prices").statusCode();
        assertTrue(status == 201 || status == 409, "price " + provider + "/" + model + ": " + status);
    }

    private static RequestSpecification master() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    /** The WireMock upstream with no stubs and no recorded requests. */
    public static WireMockServer freshUpstream() {
        WireMockServer upstream = Upstreams.wireMock();
        upstream.resetAll();
        return upstream;
    }
}
