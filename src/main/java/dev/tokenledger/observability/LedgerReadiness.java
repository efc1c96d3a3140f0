package dev.tokenledger.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.tokenledger.ledger.LedgerWriter;

/**
 * Reports rows waiting in the ledger spool. A non-empty spool means degraded (the database was or is unreachable),
 * not unready: the gateway keeps serving and metering, and replays the spool when the database answers.
 */
@Readiness
@ApplicationScoped
public class LedgerReadiness implements HealthCheck {

    @Inject
    LedgerWriter ledger;

    @Override
    public HealthCheckResponse call() {
        long spooled = ledger.spooledRows();
        return HealthCheckResponse.named("ledger")
                .up()
                .withData("spooledRows", spooled)
                .withData("state", spooled == 0 ? "ok" : "degraded")
                .build();
    }
}
