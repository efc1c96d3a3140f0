package dev.tokenledger.provider.bedrock;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenledger.testing.SigV4Verifier;

import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SigV4 through the AWS SDK's signer against published vectors: AWS's Signature Version 4 test suite (key
 * {@code AKIDEXAMPLE}, 2015-08-30T12:36:00Z, service {@code service}, region {@code us-east-1}; the {@code get-vanilla}
 * and {@code post-x-www-form-urlencoded} cases: canonical request, string to sign and signature) and the Bedrock
 * Converse vector of provider-logins.md §5 (computed with botocore), whose model id needs the path encoded twice.
 */
class AwsSigV4Test {

    static final String KEY_ID = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final AwsCredentialsIdentity KEY = AwsCredentialsIdentity.create(KEY_ID, SECRET);
    private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");

    private static AwsSigV4 signer(String service, Instant at) {
        return new AwsSigV4(service, "us-east-1", Clock.fixed(at, ZoneOffset.UTC));
    }

    /**
     * The SDK's signer always signs {@code x-amz-content-sha256} too (botocore and the test suite do not), so its
     * signature is checked against the reference implementation over the published canonical request with that one
     * header added; the reference implementation itself reproduces the published canonical request hash and signature.
     */
    private static void assertSdkSignsThePublishedRequest(Map<String, String> signed, String publishedCanonical,
            String publishedCanonicalHash, String publishedSignature, String amzDate, String service, byte[] body) {
        assertEquals(publishedCanonicalHash, SigV4Verifier.sha256Hex(publishedCanonical.getBytes(StandardCharsets.UTF_8)));
        assertEquals(publishedSignature, SigV4Verifier.signature(publishedCanonical, amzDate, "us-east-1", service,
                SECRET));
        String bodyHash = SigV4Verifier.sha256Hex(body == null ? new byte[0] : body);
        assertEquals(bodyHash, signed.get("x-amz-content-sha256"));
        String withContentHash = publishedCanonical.replace("x-amz-date:", "x-amz-content-sha256:" + bodyHash
                + "\nx-amz-date:").replace(";x-amz-date\n", ";x-amz-content-sha256;x-amz-date\n")
                .replace("\nhost;x-amz-date\n", "\nhost;x-amz-content-sha256;x-amz-date\n");
        String scope = amzDate.substring(0, 8) + "/us-east-1/" + service + "/aws4_request";
        assertEquals(amzDate, signed.get("X-Amz-Date"));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + scope + ", SignedHeaders="
                + withContentHash.split("\n")[withContentHash.split("\n").length - 2] + ", Signature="
                + SigV4Verifier.signature(withContentHash, amzDate, "us-east-1", service, SECRET),
                signed.get("Authorization"));
    }

    @Test
    void getVanillaAsTheTestSuitePublishesIt() {
        Map<String, String> signed = signer("service", SUITE_TIME).sign("GET", "https://example.amazonaws.com/", Map.of(),
                null, KEY);
        // get-vanilla.creq, the fourth line of get-vanilla.sts and the signature of get-vanilla.authz
        assertSdkSignsThePublishedRequest(signed, "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                + "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", "20150830T123600Z", "service", null);
    }

    @Test
    void postXWwwFormUrlencodedAsTheTestSuitePublishesIt() {
        byte[] body = "Param1=value1".getBytes(StandardCharsets.UTF_8);
        Map<String, String> signed = signer("service", SUITE_TIME).sign("POST", "https://example.amazonaws.com/",
                Map.of("Content-Type", "application/x-www-form-urlencoded"), body, KEY);
        assertSdkSignsThePublishedRequest(signed, "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
                + "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
                + "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
                SigV4Verifier.sha256Hex(("POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
                        + "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
                        + "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")
                        .getBytes(StandardCharsets.UTF_8)),
                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", "20150830T123600Z", "service", body);
    }

    @Test
    void aBedrockConverseCallEncodesTheModelPathTwiceInTheCanonicalRequest() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}],\"inferenceConfig\":{\"maxTokens\":16}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertEquals("9086f5ed72696dae888c64846e3db151bb80e2483eba722648ee71231780c823", SigV4Verifier.sha256Hex(bytes));
        String url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
                + BedrockProvider.encodeSegment("anthropic.claude-3-haiku-20240307-v1:0") + "/converse";
        assertTrue(url.endsWith("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"), url);
        Map<String, String> signed = signer("bedrock", Instant.parse("2026-01-02T03:04:05Z")).sign("POST", url,
                Map.of("Content-Type", "application/json"), bytes, KEY);
        // provider-logins.md §5: canonical request hash and signature as botocore computes them
        assertSdkSignsThePublishedRequest(signed, "POST\n/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse\n\n"
                + "content-type:application/json\nhost:bedrock-runtime.us-east-1.amazonaws.com\n"
                + "x-amz-date:20260102T030405Z\n\ncontent-type;host;x-amz-date\n"
                + "9086f5ed72696dae888c64846e3db151bb80e2483eba722648ee71231780c823",
                "a57c2a053a328cc1c9a60cbeb45b721405bd4d1deebb2a17a9070b5488c2b10c",
                "8c720a71b7cf1fe37ca9de884266271686a5498e9864644df37245e5e63d216d", "20260102T030405Z", "bedrock", bytes);
        assertEquals(null, SigV4Verifier.problem("POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
                withHost(signed, "bedrock-runtime.us-east-1.amazonaws.com"), bytes, "us-east-1", "bedrock"));
        assertEquals("signature mismatch", SigV4Verifier.problem("POST",
                "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
                withHost(signed, "bedrock-runtime.us-east-1.amazonaws.com"), "{}".getBytes(StandardCharsets.UTF_8),
                "us-east-1", "bedrock"));
    }

    private static Map<String, String> withHost(Map<String, String> headers, String host) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Host", host);
        return all;
    }

    @Test
    void aSessionTokenIsSentAndSigned() {
        Map<String, String> plain = signer("service", SUITE_TIME).sign("GET", "https://example.amazonaws.com/", Map.of(),
                null, KEY);
        Map<String, String> session = signer("service", SUITE_TIME).sign("GET", "https://example.amazonaws.com/",
                Map.of(), null, AwsSessionCredentialsIdentity.create(KEY_ID, SECRET, "session-token-example"));
        assertEquals("session-token-example", session.get("X-Amz-Security-Token"));
        assertTrue(
                session.get("Authorization")
                        .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
                session.get("Authorization"));
        assertNotEquals(plain.get("Authorization"), session.get("Authorization"));
    }

    @Test
    void modelIdsProfilesAndArnsAreOnePathSegment() {
        assertEquals("us.anthropic.claude-sonnet-4-20250514-v1%3A0",
                BedrockProvider.encodeSegment("us.anthropic.claude-sonnet-4-20250514-v1:0"));
        assertEquals("arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123",
                BedrockProvider.encodeSegment("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"));
    }
}
