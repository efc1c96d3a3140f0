package dev.tokenledger.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.HttpTokenKind;
import dev.tokenledger.provider.TokenRefreshException;

/**
 * Google service-account keys (Vertex AI): the JWT bearer grant of RFC 7523. Each refresh signs a new assertion with
 * the key's RSA private key (RS256, the JDK's {@code SHA256withRSA}): header {@code {"alg":"RS256","typ":"JWT",
 * "kid":<private_key_id>}}, claims {@code iss} = the key's {@code client_email}, {@code scope}, {@code aud} = its
 * {@code token_uri}, {@code iat} (a few seconds in the past against clock skew) and {@code exp} = {@code iat} + one hour,
 * and posts it to the {@code token_uri}. There is no refresh token: the access token (one hour) is replaced by a new
 * assertion before it expires. A refused assertion ({@code invalid_grant}, a deleted key, HTTP 400/401/403) is permanent.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class ServiceAccountTokens extends HttpTokenKind {

    public static final String ID = "service-account-jwt";
    static final String CLIENT_EMAIL = "clientEmail";
    static final String PRIVATE_KEY = "privateKey";
    static final String PRIVATE_KEY_ID = "privateKeyId";
    static final String TOKEN_URI = "tokenUri";
    static final String SCOPE = "scope";
    static final String PROJECT_ID = "projectId";
    static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** Google refuses an assertion that lives longer than an hour. */
    static final long LIFETIME_SECONDS = 3600;
    /** {@code iat} is set this far in the past, so a token server whose clock is a little behind accepts it. */
    static final long SKEW_SECONDS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    @Inject
    public ServiceAccountTokens(Vertx vertx, GatewayConfig config) {
        super(ID, vertx, config.credentials().refresh().timeout());
    }

    @Override
    public Uni<FreshToken> refresh(Grant grant) {
        String tokenUri = grant.value(TOKEN_URI);
        String assertion;
        try {
            assertion = assertion(grant.values(), Instant.now());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new TokenRefreshException(e.getMessage(), true));
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("assertion", assertion);
        return OAuthRefreshTokens.post(http, tokenUri, form, "The token endpoint refused the service-account assertion")
                .map(issued -> new FreshToken(issued.accessToken(), issued.expiresAt(), null, null, Map.of()));
    }

    /**
     * The signed JWT assertion of a service-account key at a time.
     *
     * @throws IllegalArgumentException when the grant holds no usable key (the message names no secret)
     */
    static String assertion(Map<String, String> grant, Instant now) {
        String email = grant.get(CLIENT_EMAIL);
        String tokenUri = grant.get(TOKEN_URI);
        if (email == null || tokenUri == null) {
            throw new IllegalArgumentException("The credential holds no service-account key");
        }
        PrivateKey key = privateKey(grant.get(PRIVATE_KEY));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        if (grant.get(PRIVATE_KEY_ID) != null) {
            header.put("kid", grant.get(PRIVATE_KEY_ID));
        }
        long iat = now.getEpochSecond() - SKEW_SECONDS;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", email);
        claims.put("scope", grant.getOrDefault(SCOPE, CLOUD_PLATFORM));
        claims.put("aud", tokenUri);
        claims.put("iat", iat);
        claims.put("exp", iat + LIFETIME_SECONDS);
        String input = part(header) + "." + part(claims);
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64URL.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The service-account key cannot sign (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /**
     * The RSA private key of a PEM {@code -----BEGIN PRIVATE KEY-----} block (PKCS#8), as Google's key files hold it.
     *
     * @throws IllegalArgumentException when it is not one (the message names no part of the key)
     */
    static PrivateKey privateKey(String pem) {
        if (pem == null) {
            throw new IllegalArgumentException("The service-account key has no private_key");
        }
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(body)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("The service-account private_key is not an RSA key in PKCS#8 PEM "
                    + "(-----BEGIN PRIVATE KEY-----)");
        }
    }

    private static String part(Map<String, Object> json) {
        try {
            return B64URL.encodeToString(JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JWT part could not be written");
        }
    }
}
