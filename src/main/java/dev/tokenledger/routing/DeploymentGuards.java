package dev.tokenledger.routing;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;

import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.config.RoutingConfig;

/**
 * One SmallRye Fault Tolerance guard per deployment id: retries on the same deployment with exponential backoff and
 * jitter, honouring {@code Retry-After} up to {@code tokenledger.routing.max-retry-delay} (a longer wait moves on to
 * the next deployment instead), and a circuit breaker that opens on a burst of failures and lets a probe through
 * after its delay (half-open). Only errors worth retrying count: a client error is a closed breaker's success.
 * <p>
 * The attempt timeout is applied inside the guarded call, on the Mutiny pipeline, so that a timed-out attempt cancels
 * its upstream exchange (the connection is reset and the provider stops generating) before a retry starts.
 */
@ApplicationScoped
public class DeploymentGuards {

    private static final TypeLiteral<Uni<Object>> UNI = new TypeLiteral<>() {
    };

    private final RoutingConfig settings;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> breakers = new ConcurrentHashMap<>();

    @Inject
    public DeploymentGuards(GatewayConfig config) {
        this(config.routing());
    }

    DeploymentGuards(RoutingConfig settings) {
        this.settings = settings;
    }

    /** Runs one attempt on a deployment through its guard. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Uni<T> call(String deploymentId, Supplier<Uni<T>> attempt) {
        Guard guard = guards.computeIfAbsent(deploymentId, this::build);
        Supplier<Uni<T>> bounded = () -> attempt.get().ifNoItem().after(settings.attemptTimeout())
                .failWith(() -> GatewayError.upstream(dev.tokenledger.canonical.ErrorKind.UPSTREAM_TIMEOUT, 0,
                        "The upstream provider did not answer in time.", "upstream_timeout"));
        return (Uni<T>) guard.get((Supplier) bounded, UNI);
    }

    /** The breaker state of a deployment; closed when it never failed. */
    public CircuitBreakerState breaker(String deploymentId) {
        return breakers.getOrDefault(deploymentId, CircuitBreakerState.CLOSED);
    }

    private Guard build(String deploymentId) {
        long maxDelay = settings.maxRetryDelay().toMillis();
        return Guard.create()
                .withDescription("deployment " + deploymentId)
                .withRetry()
                .maxRetries(settings.maxRetries())
                .delay(settings.retryDelay().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(settings.attemptTimeout().toMillis() * (settings.maxRetries() + 1) + maxDelay
                        * settings.maxRetries() + 1, ChronoUnit.MILLIS)
                .whenException(failure -> retryInPlace(failure, maxDelay))
                .withCustomBackoff().strategy(() -> new Backoff(settings.retryDelay().toMillis(), maxDelay)).done()
                .done()
                .withCircuitBreaker()
                .requestVolumeThreshold(settings.breakerRequestVolume())
                .failureRatio(settings.breakerFailureRatio())
                .delay(settings.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(failure -> FailureClass.of(failure).retryableInPlace())
                .onStateChange(state -> breakers.put(deploymentId, state))
                .done()
                .build();
    }

    private static boolean retryInPlace(Throwable failure, long maxDelayMillis) {
        if (!FailureClass.of(failure).retryableInPlace()) {
            return false;
        }
        Duration wait = failure instanceof GatewayError g ? g.retryAfter() : null;
        return wait == null || wait.toMillis() <= maxDelayMillis;
    }

    /** Exponential backoff with jitter (between half and all of the doubled delay); an upstream's {@code Retry-After} wins. Both capped. */
    static final class Backoff implements CustomBackoffStrategy {
        private final long base;
        private final long max;
        private int attempt;

        Backoff(long base, long max) {
            this.base = base;
            this.max = max;
        }

        @Override
        public long nextDelayInMillis(Throwable failure) {
            Duration wait = failure instanceof GatewayError g ? g.retryAfter() : null;
            if (wait != null) {
                return Math.min(max, wait.toMillis());
            }
            long ceiling = Math.min(max, base << Math.min(20, attempt++));
            return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        }
    }
}
