package dev.tokenledger.auth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;

/**
 * Authenticates inference clients. The credential is taken from whichever header the client's SDK sends:
 * {@code Authorization: Bearer}, {@code x-api-key}, {@code x-goog-api-key} or, on the Gemini API only, the {@code key}
 * query parameter. With no authenticator able to accept anything and authentication not disabled on purpose, every
 * request is refused.
 */
@Startup
@ApplicationScoped
public class ClientAuth {

    /** The paths of the Gemini API, the only one whose clients send the key as {@code ?key=}. */
    static final String GEMINI_PATHS = "/v1beta/";

    private final List<ClientAuthenticator> authenticators = new ArrayList<>();
    private final boolean disabled;

    @Inject
    public ClientAuth(GatewayConfig config, @Any Instance<ClientAuthenticator> beans) {
        beans.forEach(authenticators::add);
        authenticators.sort(Comparator.comparingInt(ClientAuthenticator::priority));
        this.disabled = config.auth().disabled();
        if (disabled) {
            Log.warn("Client authentication is DISABLED (tokenledger.auth.disabled=true): anyone can call /v1/*");
        } else if (Pepper.of(config) == null && config.masterKey().filter(k -> !k.isBlank()).isEmpty()) {
            // neither the master key nor a virtual key can match
            Log.warn("Neither TOKENLEDGER_MASTER_KEY nor TOKENLEDGER_KEYS_PEPPER is configured: every /v1/* request "
                    + "will be refused");
        }
    }

    public Uni<Principal> authenticate(HttpServerRequest request) {
        if (disabled) {
            return Uni.createFrom().item(Principal.ANONYMOUS);
        }
        String credential = credential(request);
        if (credential == null) {
            return Uni.createFrom().failure(GatewayError.of(ErrorKind.AUTHENTICATION,
                    "You didn't provide an API key. Provide it as 'Authorization: Bearer <key>'."));
        }
        return attempt(credential, 0);
    }

    private Uni<Principal> attempt(String credential, int index) {
        if (index >= authenticators.size()) {
            return Uni.createFrom().failure(GatewayError.of(ErrorKind.AUTHENTICATION, "Incorrect API key provided."));
        }
        return authenticators.get(index).authenticate(credential)
                .chain(p -> p != null ? Uni.createFrom().item(p) : attempt(credential, index + 1));
    }

    static String credential(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        for (String header : new String[]{"x-api-key", "x-goog-api-key"}) {
            String value = request.getHeader(header);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        // only Gemini clients send the key in the URL (where access logs and proxies see it); nowhere else
        if (!request.path().startsWith(GEMINI_PATHS)) {
            return null;
        }
        String key = request.getParam("key");
        return key == null || key.isBlank() ? null : key;
    }
}
