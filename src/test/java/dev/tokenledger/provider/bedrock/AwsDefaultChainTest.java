package dev.tokenledger.provider.bedrock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a configured key or region, a Bedrock provider asks the AWS SDK's default chains (here through their
 * system-property step, the first the chains try), and keeps chain credentials only until five minutes before they
 * expire; a configured key is parsed with its session token.
 */
class AwsDefaultChainTest {

    @Test
    void theRegionAndTheCredentialsComeFromTheSdkChainsWhenNothingIsConfigured() {
        System.setProperty("aws.region", "ap-south-1");
        System.setProperty("aws.accessKeyId", "AKIDCHAINEXAMPLE");
        System.setProperty("aws.secretAccessKey", "chain/secret");
        System.setProperty("aws.sessionToken", "chain-token");
        try {
            BedrockRegion region = new BedrockRegion("b", Optional.empty(),
                    "https://bedrock-runtime." + BedrockRegion.PLACEHOLDER + ".amazonaws.com", Clock.systemUTC());
            assertEquals("https://bedrock-runtime.ap-south-1.amazonaws.com",
                    region.get().await().atMost(Duration.ofSeconds(30)).baseUrl());
            AwsCredentialsIdentity identity = AwsCredentialSource.defaultChain().credentials().await()
                    .atMost(Duration.ofSeconds(30));
            assertEquals("AKIDCHAINEXAMPLE", identity.accessKeyId());
            assertEquals("chain-token", ((AwsSessionCredentialsIdentity) identity).sessionToken());
        } finally {
            System.clearProperty("aws.region");
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            System.clearProperty("aws.sessionToken");
        }
    }

    @Test
    void chainCredentialsAreResolvedAgainFiveMinutesBeforeTheyExpire() {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        AwsCredentialsIdentity lasting = AwsCredentialsIdentity.create("AKIDEXAMPLE", "s");
        assertTrue(AwsCredentialSource.fresh(lasting, now), "credentials without an expiry stay");
        assertTrue(AwsCredentialSource.fresh(expiring(now.plus(Duration.ofMinutes(6))), now));
        assertFalse(AwsCredentialSource.fresh(expiring(now.plus(Duration.ofMinutes(5))), now));
        assertFalse(AwsCredentialSource.fresh(expiring(now.minusSeconds(1)), now));
    }

    private static AwsCredentialsIdentity expiring(Instant at) {
        return software.amazon.awssdk.auth.credentials.AwsSessionCredentials.builder().accessKeyId("ASIAEXAMPLE")
                .secretAccessKey("s").sessionToken("t").expirationTime(at).build();
    }

    @Test
    void aConfiguredKeyIsAPairOrAPairWithASessionToken() {
        AwsCredentialsIdentity pair = AwsCredentialSource.of("AKIDEXAMPLE:secret").credentials().await().indefinitely();
        assertFalse(pair instanceof AwsSessionCredentialsIdentity);
        AwsCredentialsIdentity session = AwsCredentialSource.of("ASIAEXAMPLE:secret:to:ken").credentials().await()
                .indefinitely();
        assertEquals("to:ken", ((AwsSessionCredentialsIdentity) session).sessionToken());
        assertThrows(IllegalArgumentException.class, () -> AwsCredentialSource.of("AKIDEXAMPLE"));
        assertThrows(IllegalArgumentException.class, () -> AwsCredentialSource.of(":secret"));
    }
}
