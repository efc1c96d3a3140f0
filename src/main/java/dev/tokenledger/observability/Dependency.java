package dev.tokenledger.observability;

import org.eclipse.microprofile.health.HealthCheckResponse;

/** The readiness answer of a dependency: always up, with its state ({@code ok} or {@code degraded}) as data. */
final class Dependency {

    private Dependency() {
    }

    static HealthCheckResponse up(String name, long startNanos) {
        return HealthCheckResponse.named(name).up().withData("state", "ok")
                .withData("latencyMs", (System.nanoTime() - startNanos) / 1_000_000).build();
    }

    static HealthCheckResponse degraded(String name, Throwable failure) {
        String reason = failure.getClass().getSimpleName();
        return HealthCheckResponse.named(name).up().withData("state", "degraded").withData("error", reason).build();
    }
}
