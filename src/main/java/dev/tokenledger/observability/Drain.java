package dev.tokenledger.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/**
 * Whether this instance is draining. From the moment the process is asked to stop (SIGTERM), it reports not-ready and
 * refuses new inference requests with 503 while requests in flight, streams included, finish within
 * {@code quarkus.shutdown.timeout}.
 */
@ApplicationScoped
public class Drain {

    private volatile boolean draining;

    void onStart(@Observes StartupEvent event) {
        Runtime.getRuntime().addShutdownHook(new Thread(this::begin, "tokenledger-drain"));
    }

    /** Starts draining; idempotent. */
    public void begin() {
        if (!draining) {
            draining = true;
            Log.info("Draining: new inference requests are refused, requests in flight may finish");
        }
    }

    public boolean draining() {
        return draining;
    }
}
