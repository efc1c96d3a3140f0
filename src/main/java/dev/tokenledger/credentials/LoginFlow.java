package dev.tokenledger.credentials;

import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.AuthHttp;

/**
 * What a login flow (device or browser) works with: the logins' state in Redis, the types' login specs, the end of a
 * successful login, the login settings and its own client for the providers' token endpoints, closed at shutdown.
 */
abstract class LoginFlow {

    protected final LoginState state;
    protected final LoginProviders providers;
    protected final LoginCompletion completion;
    protected final GatewayConfig.Logins settings;
    protected final AuthHttp http;

    protected LoginFlow(LoginState state, LoginProviders providers, LoginCompletion completion, Vertx vertx,
            GatewayConfig config) {
        this.settings = config.credentials().logins();
        this.http = new AuthHttp(vertx.getDelegate(), config.credentials().refresh().timeout());
        this.state = state;
        this.providers = providers;
        this.completion = completion;
    }

    void closeHttp(@Observes ShutdownEvent event) {
        http.close();
    }
}
