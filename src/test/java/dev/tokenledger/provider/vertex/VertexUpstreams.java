package dev.tokenledger.provider.vertex;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.tokenledger.testing.UpstreamConfig;
import dev.tokenledger.testing.WireMockResource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * A stand-in for Google: an OAuth token endpoint ({@code /token}) that accepts a JWT bearer assertion only when its
 * RS256 signature verifies with the public half of the test's service-account key and its claims are right ({@code iss},
 * {@code aud} = this token URI, {@code scope}, {@code kid}, {@code exp − iat ≤ 3600}), answering {@code invalid_grant}
 * otherwise; and Vertex AI under {@code /vertex} (the provider's base URL), stubbed by the test.
 */
public class VertexUpstreams extends WireMockResource {

    static final String PROJECT = "tl-project";
    static final String LOCATION = "us-east5";
    static final String EMAIL = "tl-gw@tl-project.iam.gserviceaccount.com";
    static final String KEY_ID = "kid-0123456789abcdef";
    static final KeyPair KEY = rsa();
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    /** Assertions the token endpoint accepted. */
    static final AtomicInteger ACCEPTED = new AtomicInteger();

    private static final ObjectMapper JSON = new ObjectMapper();
    static WireMockServer server() {
        return server(VertexUpstreams.class);
    }

    /** The token endpoint's URI, the audience of a valid assertion. */
    static String tokenUri() {
        return url(VertexUpstreams.class, "/token");
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key pair's private half as a service-account key file holds it. */
    static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** Whether a token request carries a valid assertion of the test key. */
    static boolean validAssertion(Request request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))
                || form.get("assertion") == null) {
            return false;
        }
        String[] parts = form.get("assertion").split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(KEY.getPublic());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(b64.decode(parts[2]))) {
                return false;
            }
            JsonNode header = JSON.readTree(b64.decode(parts[0]));
            JsonNode claims = JSON.readTree(b64.decode(parts[1]));
            long now = System.currentTimeMillis() / 1000;
            long iat = claims.path("iat").asLong();
            long exp = claims.path("exp").asLong();
            return "RS256".equals(header.path("alg").asText()) && "JWT".equals(header.path("typ").asText())
                    && KEY_ID.equals(header.path("kid").asText()) && EMAIL.equals(claims.path("iss").asText())
                    && tokenUri().equals(claims.path("aud").asText()) && SCOPE.equals(claims.path("scope").asText())
                    && iat <= now + 5 && exp > now && exp - iat <= 3600 && !claims.has("sub");
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    protected void configure(WireMockServer server, Map<String, String> c) {
        // the first token lives 4 s (refreshed after three quarters of it), the next one an hour
        server.stubFor(post(urlEqualTo("/token")).atPriority(1).andMatching(r -> MatchResult.of(validAssertion(r)))
                .inScenario("tokens").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(okJson("{\"access_token\":\"ya29.first\",\"expires_in\":4,\"token_type\":\"Bearer\"}")));
        server.stubFor(post(urlEqualTo("/token")).atPriority(1).andMatching(r -> MatchResult.of(validAssertion(r)))
                .inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"ya29.second\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")));
        server.stubFor(post(urlEqualTo("/token")).atPriority(5).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}")));
        UpstreamConfig.provider(c, "vertex", "vertex", server.baseUrl() + "/vertex", "timeout", "10s", "options.project",
                PROJECT,
                "options.location", LOCATION);
        UpstreamConfig.refreshingCredentials(c, new byte[32], 2);
    }
}
