package dev.tokenledger.provider;

import java.time.Duration;

import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;

/**
 * The one base of token kinds: the id stored with their credentials and the HTTP client that calls their token
 * endpoint, closed when the gateway stops. A subclass is a {@code @Singleton} bean (not proxied: this class has no
 * no-args constructor) that passes its id and its client's timeout to this constructor and implements
 * {@link #refresh}.
 */
public abstract class HttpTokenKind implements TokenKind {

    private final String id;
    /** The client of the token endpoint. */
    protected final AuthHttp http;

    protected HttpTokenKind(String id, Vertx vertx, Duration timeout) {
        this.id = id;
        this.http = new AuthHttp(vertx, timeout);
    }

    @Override
    public final String id() {
        return id;
    }

    protected void stop(@Observes ShutdownEvent event) {
        close();
    }

    /** Closes the kind's clients; a kind with a client of its own besides {@link #http} closes it too. */
    protected void close() {
        http.close();
    }
}
