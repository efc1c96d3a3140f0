package dev.tokenledger.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.vertx.core.Vertx;

/**
 * A Vert.x instance of one test class, for the tests that build providers without Quarkus: started before the class's
 * first test and closed after its last. Registered as {@code @RegisterExtension static final ClassVertx VERTX = new
 * ClassVertx();} and read with {@link #get()}.
 */
public final class ClassVertx implements BeforeAllCallback, AfterAllCallback {

    private Vertx vertx;

    @Override
    public void beforeAll(ExtensionContext context) {
        vertx = Vertx.vertx();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        vertx.close();
    }

    /** The class's Vert.x; only between its first and last test. */
    public Vertx get() {
        return vertx;
    }
}
