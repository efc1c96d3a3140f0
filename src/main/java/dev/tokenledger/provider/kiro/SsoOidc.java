package dev.tokenledger.provider.kiro;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.json.Json;
import dev.tokenledger.provider.AuthHttp;

/**
 * AWS SSO OIDC ({@code https://oidc.<region>.amazonaws.com}), the issuer of Kiro's tokens for AWS Builder ID and IAM
 * Identity Center: RegisterClient ({@code POST /client/register}), StartDeviceAuthorization
 * ({@code POST /device_authorization}) and CreateToken ({@code POST /token}, device-code and refresh-token grants),
 * JSON bodies with camelCase names. Errors come as {@code {"error":"authorization_pending", …}} or as an exception name
 * ({@code AuthorizationPendingException}); both read as the RFC 8628 code.
 */
final class SsoOidc {

    /** The names a registered client is kept under, with the login and then in the credential's grant. */
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    static final String CLIENT_EXPIRES = "clientSecretExpiresAt";
    static final String OIDC_URL = "oidcUrl";
    static final String SCOPES = "scopes";
    static final String CLIENT_NAME = "clientName";
    static final String START_URL = "startUrl";
    static final String REGION = "region";
    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private final AuthHttp http;

    SsoOidc(AuthHttp http) {
        this.http = http;
    }

    /** A public client registered for the device and refresh-token grants: its id, secret and the secret's expiry. */
    Uni<AuthHttp.Answer> register(String oidcUrl, String clientName, String scopes) {
        ObjectNode body = Json.NODES.objectNode().put("clientName", clientName).put("clientType", "public");
        scopes(body, scopes);
        body.putArray("grantTypes").add(DEVICE_GRANT).add("refresh_token");
        return http.json(oidcUrl + "/client/register", Map.of(), body);
    }

    Uni<AuthHttp.Answer> startDeviceAuthorization(String oidcUrl, String clientId, String clientSecret,
            String startUrl) {
        return http.json(oidcUrl + "/device_authorization", Map.of(), Json.NODES.objectNode().put("clientId", clientId)
                .put("clientSecret", clientSecret).put("startUrl", startUrl));
    }

    Uni<AuthHttp.Answer> deviceToken(String oidcUrl, String clientId, String clientSecret, String deviceCode) {
        return http.json(oidcUrl + "/token", Map.of(), Json.NODES.objectNode().put("clientId", clientId)
                .put("clientSecret", clientSecret).put("grantType", DEVICE_GRANT).put("deviceCode", deviceCode));
    }

    Uni<AuthHttp.Answer> refreshToken(String oidcUrl, String clientId, String clientSecret, String refreshToken) {
        return http.json(oidcUrl + "/token", Map.of(), Json.NODES.objectNode().put("clientId", clientId)
                .put("clientSecret", clientSecret).put("grantType", "refresh_token").put("refreshToken",
                        refreshToken));
    }

    /** The client values of a RegisterClient answer, or null when it registered none. */
    static Map<String, String> client(AuthHttp.Answer answer, String oidcUrl, String clientName, String scopes) {
        String id = answer.text("clientId");
        String secret = answer.text("clientSecret");
        if (answer.status() != 200 || id == null || secret == null) {
            return null;
        }
        Map<String, String> client = new LinkedHashMap<>();
        client.put(CLIENT_ID, id);
        client.put(CLIENT_SECRET, secret);
        client.put(CLIENT_EXPIRES, String.valueOf(answer.json().path("clientSecretExpiresAt").asLong(0)));
        client.put(OIDC_URL, oidcUrl);
        client.put(CLIENT_NAME, clientName);
        client.put(SCOPES, scopes);
        return client;
    }

    /** Whether a registered client's secret has expired (or expires within a minute). */
    static boolean expired(Map<String, String> client, Instant now) {
        String at = client.get(CLIENT_EXPIRES);
        long expires = at == null ? 0 : Long.parseLong(at);
        return expires > 0 && !now.plusSeconds(60).isBefore(Instant.ofEpochSecond(expires));
    }

    /** The RFC 8628 error code of an answer ({@code authorization_pending}, …), or null when it has none. */
    static String error(AuthHttp.Answer answer) {
        String error = answer.text("error");
        if (error != null) {
            return error;
        }
        String type = answer.text("__type");
        if (type == null) {
            return null;
        }
        String name = type.substring(type.lastIndexOf('#') + 1).replace("Exception", "");
        StringBuilder snake = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                snake.append('_');
            }
            snake.append(Character.toLowerCase(c));
        }
        return snake.toString().toLowerCase(Locale.ROOT);
    }

    private static void scopes(ObjectNode body, String scopes) {
        var array = body.putArray("scopes");
        for (String scope : scopes.trim().split("\\s+")) {
            if (!scope.isEmpty()) {
                array.add(scope);
            }
        }
    }

    void close() {
        http.close();
    }
}
