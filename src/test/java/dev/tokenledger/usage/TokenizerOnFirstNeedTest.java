package dev.tokenledger.usage;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.testing.ConfigOverrides;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code tokenledger.ledger.tokenizer-preload=false} the tokenizer is not read when the gateway starts listening
 * (it stays out of an idle replica's memory), and the first estimate reads it and counts as usual.
 */
@QuarkusTest
@TestProfile(TokenizerOnFirstNeedTest.NoPreload.class)
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class TokenizerOnFirstNeedTest {

    public static class NoPreload extends ConfigOverrides {
        public NoPreload() {
            super(Map.of("tokenledger.ledger.tokenizer-preload", "false"));
        }
    }

    @Test
    void theFirstEstimateReadsTheTokenizer() throws InterruptedException {
        // preloading would start the read as soon as the HTTP server listens, before any test runs
        Thread.sleep(500);
        assertFalse(TokenEstimator.tokenizerReadStarted(), "the tokenizer was read before any estimate needed it");

        String body = given().header("x-api-key", OpenAiFixtures.MASTER).contentType("application/json")
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}")
                .post("/v1/messages/count_tokens").then().statusCode(200)
                .header("x-tokenledger-token-count", "estimated").extract().asString();
        // 3 (reply primer) + 3 (message) + "user" (1) + "Hello there" (2)
        assertEquals(9, Golden.tree(body.getBytes(StandardCharsets.UTF_8)).path("input_tokens").asLong(), body);
        assertTrue(TokenEstimator.tokenizerReadStarted());
    }
}
