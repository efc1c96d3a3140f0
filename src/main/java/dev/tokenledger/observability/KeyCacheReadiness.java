package dev.tokenledger.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.tokenledger.auth.KeyCache;

/**
 * Reports virtual-key lookups: degraded (not unready) while PostgreSQL cannot answer them, when known keys are served
 * from their last good lookup and unknown keys are refused with 503.
 */
@Readiness
@ApplicationScoped
public class KeyCacheReadiness implements HealthCheck {

    private final KeyCache keys;

    @Inject
    public KeyCacheReadiness(KeyCache keys) {
        this.keys = keys;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder answer = HealthCheckResponse.named("keys").up()
                .withData("state", keys.degraded() ? "degraded" : "ok")
                .withData("cachedKeys", keys.cachedKeys())
                .withData("staleServed", keys.staleServed());
        if (keys.degraded()) {
            answer.withData("degradedSince", keys.degradedSince());
        }
        return answer.build();
    }
}
