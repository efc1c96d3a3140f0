package dev.tokenledger.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Reports whether Redis answers a PING within {@link Dependency#TIMEOUT}. Down means degraded, never unready: cooldowns are kept per
 * replica and the response cache misses, but every replica keeps serving, so a Redis outage cannot take the whole
 * fleet out of the load balancer.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

    @Inject
    ReactiveRedisDataSource redis;

    @Override
    public Uni<HealthCheckResponse> call() {
        return Dependency.probe("redis", redis.execute("PING"));
    }
}
