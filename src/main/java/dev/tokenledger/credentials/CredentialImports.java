package dev.tokenledger.credentials;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.provider.TokenKind;

/**
 * Stores a new credential given through the admin API, by the kind of its secret: an API key (kept as it is), OAuth
 * tokens obtained elsewhere (kept fresh by the refresh-token grant), a Google service-account key (exchanged by the
 * JWT bearer grant) or an AWS key pair (requests signed with it). The secret is checked, sealed under the active key-encryption key and inserted; it is never kept
 * in clear.
 */
@ApplicationScoped
public class CredentialImports {

    /** A new credential: the provider it belongs to, a label, and its secret (one of the kinds). */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record CreateCredential(String provider, String label, String apiKey, Map<String, String> headers,
            OAuthTokens oauth, ServiceAccountKey serviceAccount, AwsKeys aws) {
        @Override
        public String toString() {
            return "CreateCredential[provider=" + provider + ", label=" + label + "]";
        }
    }

    /**
     * OAuth tokens obtained elsewhere, kept fresh by the refresh-token grant at {@code tokenUrl}.
     *
     * @param accessToken the current access token, or null to refresh before the first use
     * @param expiresAt when the access token expires (null with an access token: one hour from now)
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record OAuthTokens(String accessToken, String refreshToken, OffsetDateTime expiresAt, String tokenUrl,
            String clientId, String clientSecret) {
        @Override
        public String toString() {
            return "OAuthTokens[tokenUrl=" + tokenUrl + "]";
        }
    }

    /**
     * A Google service-account key file as the Cloud console downloads it (JSON, its field names as they are); other
     * fields of the file are ignored.
     *
     * @param tokenUri where assertions are exchanged for access tokens (Google's {@code https://oauth2.googleapis.com/token})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ServiceAccountKey(String type, @JsonProperty("project_id") String projectId,
            @JsonProperty("private_key_id") String privateKeyId, @JsonProperty("private_key") String privateKey,
            @JsonProperty("client_email") String clientEmail, @JsonProperty("token_uri") String tokenUri) {
        @Override
        public String toString() {
            return "ServiceAccountKey[clientEmail=" + clientEmail + "]";
        }
    }

    /**
     * An AWS key pair for a {@code bedrock} provider (its requests are signed with it, SigV4), with the session token
     * of temporary credentials; the secret and the token are sealed at once and never shown again.
     *
     * @param accessKeyId the access key id ({@code AKIA…}, or {@code ASIA…} for temporary credentials)
     * @param sessionToken the session token of temporary credentials (STS), or null
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record AwsKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        @Override
        public String toString() {
            return "AwsKeys[accessKeyId=" + accessKeyId + "]";
        }
    }

    /** The provider type whose requests {@link AwsKeys} sign. */
    static final String AWS_TYPE = "bedrock";
    /** An access key id as AWS writes them: capital letters and digits (20 of them today), at most 128. */
    private static final java.util.regex.Pattern ACCESS_KEY_ID = java.util.regex.Pattern.compile("[A-Z0-9]{1,128}");

    private final CredentialStore store;
    private final CredentialPools pools;
    private final TokenRefresher refresher;

    @Inject
    public CredentialImports(CredentialStore store, CredentialPools pools, TokenRefresher refresher) {
        this.store = store;
        this.pools = pools;
        this.refresher = refresher;
    }

    /** Checks the secret of a request for a configured provider; fails with a 400 naming the field at fault. */
    static void check(CreateCredential body) {
        int kinds = (body.apiKey() != null ? 1 : 0) + (body.oauth() != null ? 1 : 0)
                + (body.serviceAccount() != null ? 1 : 0) + (body.aws() != null ? 1 : 0);
        if (kinds > 1) {
            throw GatewayError.invalid("apiKey", "Give one of 'apiKey', 'oauth', 'serviceAccount' or 'aws'.");
        }
        if (kinds == 0 || body.apiKey() != null && body.apiKey().isBlank()) {
            throw GatewayError.invalid("apiKey", "Missing required field: 'apiKey' (or 'oauth', 'serviceAccount', "
                    + "'aws').");
        }
        if (body.aws() != null) {
            awsKey(body.aws());
        }
        if (body.apiKey() != null) {
            CredentialInput.secret("apiKey", body.apiKey());
        }
    }

    /** Seals and stores a checked request's credential under a new id. */
    Uni<StoredCredential> store(String provider, String label, CreateCredential body) {
        Map<String, String> headers = CredentialInput.headers(body.headers());
        UUID id = UUID.randomUUID();
        if (body.oauth() != null) {
            return oauth(id, provider, label, headers, body.oauth());
        }
        if (body.serviceAccount() != null) {
            return serviceAccount(id, provider, label, headers, body.serviceAccount());
        }
        if (body.aws() != null) {
            KeyEncryption.Sealed sealed = pools.keys().seal(id, provider, new Secret(awsKey(body.aws()), headers)
                    .withIdentity(Fingerprints.newIdentity()).encode());
            return store.insert(id, provider, label, CredentialKind.AWS, sealed);
        }
        KeyEncryption.Sealed sealed = pools.keys().seal(id, provider,
                new Secret(body.apiKey(), headers).withIdentity(Fingerprints.newIdentity()).encode());
        return store.insert(id, provider, label, CredentialKind.API_KEY, sealed);
    }

    /**
     * The checked key pair as the Bedrock provider reads a key: {@code <access-key-id>:<secret-access-key>} or
     * {@code <access-key-id>:<secret-access-key>:<session-token>}; a 400 naming the field at fault otherwise.
     */
    static String awsKey(AwsKeys aws) {
        String keyId = CredentialInput.required(aws.accessKeyId(), "aws.accessKeyId", 128);
        if (!ACCESS_KEY_ID.matcher(keyId).matches()) {
            throw GatewayError.invalid("aws.accessKeyId", "'aws.accessKeyId' is an AWS access key id: at most 128 "
                    + "capital letters and digits (AKIA…, ASIA…).");
        }
        String secret = CredentialInput.secret("aws.secretAccessKey", aws.secretAccessKey());
        if (secret.indexOf(':') >= 0 || secret.isBlank() || !secret.equals(secret.trim())) {
            throw GatewayError.invalid("aws.secretAccessKey", "'aws.secretAccessKey' holds no ':' and no spaces "
                    + "around it.");
        }
        if (aws.sessionToken() == null) {
            return keyId + ":" + secret;
        }
        return keyId + ":" + secret + ":" + CredentialInput.secret("aws.sessionToken", aws.sessionToken());
    }

    /** Imported OAuth tokens: due for refresh at once when no access token is given, else before they expire. */
    private Uni<StoredCredential> oauth(UUID id, String provider, String label, Map<String, String> headers,
            OAuthTokens oauth) {
        CredentialInput.secret("oauth.refreshToken", oauth.refreshToken());
        String tokenUrl = CredentialInput.url(oauth.tokenUrl(), "oauth.tokenUrl");
        Map<String, String> grant = new TreeMap<>();
        grant.put(OAuthRefreshTokens.REFRESH_TOKEN, oauth.refreshToken());
        grant.put(OAuthRefreshTokens.TOKEN_URL, tokenUrl);
        if (oauth.clientId() != null) {
            grant.put(OAuthRefreshTokens.CLIENT_ID, CredentialInput.required(oauth.clientId(), "oauth.clientId", 500));
        }
        if (oauth.clientSecret() != null) {
            grant.put(OAuthRefreshTokens.CLIENT_SECRET, CredentialInput.secret("oauth.clientSecret",
                    oauth.clientSecret()));
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime expiresAt = oauth.accessToken() == null
                ? now
                : oauth.expiresAt() != null ? oauth.expiresAt() : now.plusHours(1);
        if (oauth.accessToken() != null) {
            CredentialInput.secret("oauth.accessToken", oauth.accessToken());
        }
        Secret secret = new Secret(oauth.accessToken(), headers, OAuthRefreshTokens.ID, grant, null,
                Fingerprints.newIdentity());
        TokenKind.FreshToken issued = new TokenKind.FreshToken(oauth.accessToken(), expiresAt.toInstant(), null, null,
                Map.of());
        OffsetDateTime refreshAt = oauth.accessToken() == null
                ? now
                : OffsetDateTime.ofInstant(refresher.refreshAt(issued, now.toInstant()), ZoneOffset.UTC);
        return store.insert(id, provider, label, CredentialKind.OAUTH, pools.keys().seal(id, provider,
                secret.encode()), expiresAt, refreshAt);
    }

    /**
     * A service-account key: its private key must be an RSA key (checked now, so a broken file is a 400 rather than a
     * credential that never serves); an access token is obtained before the first use.
     */
    private Uni<StoredCredential> serviceAccount(UUID id, String provider, String label, Map<String, String> headers,
            ServiceAccountKey key) {
        if (key.type() != null && !"service_account".equals(key.type())) {
            throw GatewayError.invalid("serviceAccount.type", "'serviceAccount.type' must be 'service_account' (a "
                    + "service-account key file).");
        }
        String email = CredentialInput.required(key.clientEmail(), "serviceAccount.client_email", 320);
        String pem = CredentialInput.secret("serviceAccount.private_key", key.privateKey(), true);
        try {
            ServiceAccountTokens.privateKey(pem);
        } catch (IllegalArgumentException e) {
            throw GatewayError.invalid("serviceAccount.private_key", e.getMessage() + ".");
        }
        Map<String, String> grant = new TreeMap<>();
        grant.put(ServiceAccountTokens.CLIENT_EMAIL, email);
        grant.put(ServiceAccountTokens.PRIVATE_KEY, pem);
        grant.put(ServiceAccountTokens.TOKEN_URI, key.tokenUri() == null
                ? "https://oauth2.googleapis.com/token"
                : CredentialInput.url(key.tokenUri(), "serviceAccount.token_uri"));
        if (key.privateKeyId() != null) {
            grant.put(ServiceAccountTokens.PRIVATE_KEY_ID, CredentialInput.required(key.privateKeyId(),
                    "serviceAccount.private_key_id", 200));
        }
        if (key.projectId() != null) {
            grant.put(ServiceAccountTokens.PROJECT_ID, CredentialInput.required(key.projectId(),
                    "serviceAccount.project_id", 200));
        }
        Secret secret = new Secret(null, headers, ServiceAccountTokens.ID, grant, null, Fingerprints.newIdentity());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return store.insert(id, provider, label, CredentialKind.SERVICE_ACCOUNT, pools.keys().seal(id, provider,
                secret.encode()), now, now);
    }
}
