package dev.tokenledger.credentials;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What is sealed in a credential row. Its text form hides everything, so a secret that reaches a log by mistake shows
 * nothing.
 *
 * @param apiKey the key or access token sent upstream
 * @param headers extra headers sent upstream
 * @param tokenKind the id of the {@link dev.tokenledger.provider.TokenKind} that refreshes the access token, or null
 *        for a key that does not expire
 * @param grant what that kind needs to obtain new tokens (refresh token, token URL, client id, a login's token)
 * @param endpoint the API base URL the token's issuer named, used instead of the provider's, or null
 * @param identity the credential's device fingerprint ids ({@code machine-id}, {@code session-id}), made once
 * @param options provider options this credential sets for itself over the configured ones (Kiro's profile ARN)
 */
public record Secret(String apiKey, Map<String, String> headers, String tokenKind, Map<String, String> grant,
        String endpoint, Map<String, String> identity, Map<String, String> options) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Secret {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        grant = grant == null ? Map.of() : Map.copyOf(grant);
        identity = identity == null ? Map.of() : Map.copyOf(identity);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** A secret without options of its own. */
    public Secret(String apiKey, Map<String, String> headers, String tokenKind, Map<String, String> grant,
            String endpoint, Map<String, String> identity) {
        this(apiKey, headers, tokenKind, grant, endpoint, identity, Map.of());
    }

    /** A key that does not expire. */
    public Secret(String apiKey, Map<String, String> headers) {
        this(apiKey, headers, null, Map.of(), null, Map.of());
    }

    /** The same secret with a fresh access token, its issuer's endpoint (null keeps it) and changed grant values. */
    public Secret refreshed(String accessToken, String newEndpoint, Map<String, String> changedGrant) {
        Map<String, String> next = new LinkedHashMap<>(grant);
        next.putAll(changedGrant);
        return new Secret(accessToken, headers, tokenKind, next, newEndpoint != null ? newEndpoint : endpoint,
                identity, options);
    }

    /** The same secret with a device identity. */
    public Secret withIdentity(Map<String, String> ids) {
        return new Secret(apiKey, headers, tokenKind, grant, endpoint, ids, options);
    }

    /** The secret as stored (JSON). */
    public byte[] encode() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("apiKey", apiKey);
        map.put("headers", headers);
        if (tokenKind != null) {
            map.put("tokenKind", tokenKind);
            map.put("grant", grant);
        }
        if (endpoint != null) {
            map.put("endpoint", endpoint);
        }
        if (!identity.isEmpty()) {
            map.put("identity", identity);
        }
        if (!options.isEmpty()) {
            map.put("options", options);
        }
        try {
            return JSON.writeValueAsBytes(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A credential secret could not be encoded");
        }
    }

    /** A stored secret; the given bytes are zeroed. */
    @SuppressWarnings("unchecked")
    public static Secret decode(byte[] json) {
        try {
            Map<String, Object> map = JSON.readValue(json, Map.class);
            return new Secret((String) map.get("apiKey"), (Map<String, String>) map.get("headers"),
                    (String) map.get("tokenKind"), (Map<String, String>) map.get("grant"), (String) map.get("endpoint"),
                    (Map<String, String>) map.get("identity"), (Map<String, String>) map.get("options"));
        } catch (java.io.IOException | ClassCastException e) {
            throw new KeyEncryption.UnwrapException("A stored credential's secret is not readable");
        } finally {
            Arrays.fill(json, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "Secret[hidden]";
    }
}
