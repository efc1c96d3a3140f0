package dev.tokenledger.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Reports whether PostgreSQL answers {@code SELECT 1} within {@link Dependency#TIMEOUT}. Down means degraded, never unready: the ledger
 * spools to disk and replays later (see the {@code ledger} check), so the gateway keeps serving.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements AsyncHealthCheck {

    @Inject
    Pool pool;

    @Override
    public Uni<HealthCheckResponse> call() {
        return Dependency.probe("postgresql", pool.query("SELECT 1").execute());
    }
}
