package dev.tokenledger.testing;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.restassured.response.Response;

import static io.restassured.RestAssured.given;

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

    /** The WireMock upstream with no stubs and no recorded requests. */
    public static WireMockServer freshUpstream() {
        WireMockServer upstream = Upstreams.wireMock();
        upstream.resetAll();
        return upstream;
    }
}
