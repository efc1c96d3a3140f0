package dev.tokenledger.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.CooldownConfig;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.config.RoutingConfig;
import dev.tokenledger.testing.RoutingUpstreams;
import dev.tokenledger.testing.Upstreams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The circuit breaker of a deployment's guard, and the cooldown store against the real Redis. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class GuardsAndCooldownsTest {

    @Inject
    GatewayConfig config;

    @Inject
    Cooldowns cooldowns;

    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void breakerOpensOnABurstAndLetsAProbeThroughAfterItsDelay() throws Exception {
        DeploymentGuards guards = new DeploymentGuards(Routing.smallBreaker(config.routing()));
        String id = "guard-test/" + System.nanoTime();
        AtomicInteger calls = new AtomicInteger();
        GatewayError boom = GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 500, "boom", "upstream_error");
        for (int i = 0; i < 4; i++) {
            Throwable t = guards.call(id, () -> {
                calls.incrementAndGet();
                return Uni.createFrom().<String>failure(boom);
            }).onItemOrFailure().transform((ok, failure) -> failure).await().atMost(WAIT);
            assertEquals(boom, t);
        }
        assertEquals(CircuitBreakerState.OPEN, guards.breaker(id));

        Throwable prevented = guards.call(id, () -> {
            calls.incrementAndGet();
            return Uni.createFrom().item("never");
        }).onItemOrFailure().transform((ok, failure) -> failure).await().atMost(WAIT);
        assertInstanceOf(CircuitBreakerOpenException.class, prevented);
        assertEquals(4, calls.get(), "an open breaker does not call the deployment");

        Thread.sleep(600);
        assertEquals("probe", guards.call(id, () -> {
            calls.incrementAndGet();
            return Uni.createFrom().item("probe");
        }).await().atMost(WAIT));
        assertEquals(CircuitBreakerState.CLOSED, guards.breaker(id), "a successful probe closes it");
    }

    @Test
    void repeated429sWithoutRetryAfterDoubleTheCooldownUpToTheMaximum() {
        String id = "cooldown-test/" + System.nanoTime();
        long[] lengths = new long[4];
        for (int i = 0; i < lengths.length; i++) {
            Instant before = Instant.now();
            Cooldowns.Cooldown c = cooldowns.coolDown(id, FailureClass.RATE_LIMITED, null).await().atMost(WAIT);
            lengths[i] = Duration.between(before, c.until()).toMillis();
        }
        // base 1s, maximum 5s in the test configuration
        assertTrue(lengths[0] >= 1000 && lengths[0] < 1500, "first " + lengths[0]);
        assertTrue(lengths[1] >= 2000 && lengths[1] < 2500, "second " + lengths[1]);
        assertTrue(lengths[2] >= 4000 && lengths[2] < 4500, "third " + lengths[2]);
        assertTrue(lengths[3] >= 5000 && lengths[3] < 5500, "capped " + lengths[3]);
        assertTrue(cooldowns.active(List.of(id)).await().atMost(WAIT).containsKey(id));
        assertTrue(cooldowns.clear(id).await().atMost(WAIT));
        assertFalse(cooldowns.active(List.of(id)).await().atMost(WAIT).containsKey(id));
        Cooldowns.Cooldown afterClear = cooldowns.coolDown(id, FailureClass.RATE_LIMITED, null).await().atMost(WAIT);
        assertTrue(Duration.between(Instant.now(), afterClear.until()).toMillis() <= 1000, "clearing ends the streak");
    }

    @Test
    void clientErrorsDoNotRestADeployment() {
        assertEquals(null, cooldowns.coolDown("x/y", FailureClass.CLIENT, null).await().atMost(WAIT));
    }

    /** Routing options as plain values: the record's accessors implement the mapping's methods. */
    record Routing(Duration attemptTimeout, int maxRetries, Duration retryDelay, Duration maxRetryDelay,
            int breakerRequestVolume, double breakerFailureRatio, Duration breakerDelay, CooldownConfig cooldown,
            Duration redisTimeout) implements RoutingConfig {

        /** The test configuration with a breaker that opens after four failures and half-opens after half a second. */
        static Routing smallBreaker(RoutingConfig base) {
            return new Routing(base.attemptTimeout(), 0, base.retryDelay(), base.maxRetryDelay(), 4, 0.5,
                    Duration.ofMillis(500), base.cooldown(), base.redisTimeout());
        }
    }
}
