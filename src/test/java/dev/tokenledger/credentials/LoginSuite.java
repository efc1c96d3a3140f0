package dev.tokenledger.credentials;

import java.net.URL;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.Await;
import dev.tokenledger.testing.OpenAiFixtures;

import static io.restassured.RestAssured.given;

/**
 * What the login suites share: the gateway's URL, the credential beans, what a second replica runs beside them, and
 * the admin API's calls that start and follow logins.
 */
abstract class LoginSuite {

    @TestHTTPResource("/v1")
    URL gateway;

    @Inject
    CredentialStore store;
    @Inject
    CredentialPools pools;
    @Inject
    TokenRefresher refresher;
    @Inject
    SecondReplica replica;

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + OpenAiFixtures.MASTER).contentType(ContentType.JSON);
    }

    static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        Await.untilTrue(what, max, Duration.ofMillis(50), condition);
    }

    static String loginStatus(String id) {
        return admin().get("/admin/v1/credentials/logins/" + id).then().statusCode(200).extract().jsonPath()
                .getString("status");
    }
}
