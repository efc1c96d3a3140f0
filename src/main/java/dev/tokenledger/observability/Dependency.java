package dev.tokenledger.observability;

import java.time.Duration;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.smallrye.mutiny.Uni;

/**
 * The readiness answer of a dependency: always up, with its state ({@code ok} or {@code degraded}) and how long it
 * took to answer as data. A replica that cannot reach a shared dependency keeps serving (degraded), so an outage of
 * the dependency cannot take every replica out of the load balancer at once.
 */
final class Dependency {

    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private Dependency() {
    }

    static Uni<HealthCheckResponse> probe(String name, Uni<?> call) {
        long start = System.nanoTime();
        return call.ifNoItem().after(TIMEOUT).fail()
                .map(ok -> HealthCheckResponse.named(name).up().withData("state", "ok")
                        .withData("latencyMs", (System.nanoTime() - start) / 1_000_000).build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(name).up()
                        .withData("state", "degraded").withData("error", failure.getClass().getSimpleName()).build());
    }
}
