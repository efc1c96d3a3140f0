package dev.tokenledger.embedded;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/** Says at start what runs embedded, where its data lives, and how to point the gateway at real services. */
@ApplicationScoped
public class EmbeddedBanner {

    void onStart(@Observes StartupEvent event) {
        EmbeddedServices.current().ifPresent(services -> Log.infof("""
                Embedded services (started in %d ms): %s.
                  Data directory: %s (tokenledger.embedded.data-dir); it survives restarts, back it up to keep the ledger.
                  %s
                  Real services: set QUARKUS_DATASOURCE_REACTIVE_URL, QUARKUS_DATASOURCE_JDBC_URL, \
                QUARKUS_DATASOURCE_USERNAME, QUARKUS_DATASOURCE_PASSWORD and TOKENLEDGER_REDIS_URL (docs/embedded.md).""",
                services.startMillis(), String.join(", ", services.names()), services.dataDir(),
                services.singleNode()
                        ? "Single-node mode: limits, holds, cooldowns and the cache live in a Redis only this process "
                                + "can reach (exact for one replica; start no second one on this data)."
                        : "Redis is configured: several replicas may share it, but each needs the same PostgreSQL."));
    }
}
