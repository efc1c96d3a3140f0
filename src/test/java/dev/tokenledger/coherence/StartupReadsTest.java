package dev.tokenledger.coherence;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.tokenledger.testing.Await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupReadsTest {

    /** Each read finishes only once the other has started: run one after another, the start would never finish. */
    @Test
    void readsRunTogetherAndTheStartWaitsForAll() {
        StartupReads reads = new StartupReads();
        CountDownLatch started = new CountDownLatch(2);
        reads.start("first", waitingForBoth(started));
        reads.start("second", waitingForBoth(started));
        long before = System.nanoTime();
        reads.awaitAll(null);
        assertEquals(0, started.getCount());
        assertTrue(Duration.ofNanos(System.nanoTime() - before).compareTo(Duration.ofSeconds(10)) < 0);
    }

    @Test
    void aFailedReadFailsTheStartWithItsOwnError() {
        StartupReads reads = new StartupReads();
        reads.start("fine", Uni.createFrom().voidItem());
        reads.start("broken", Uni.createFrom().failure(new IllegalStateException("catalogue unreadable")));
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> reads.awaitAll(null));
        assertEquals("catalogue unreadable", failure.getMessage());
    }

    @Test
    void aCheckedFailureNamesTheRead() {
        StartupReads reads = new StartupReads();
        reads.start("the limits", Uni.createFrom().failure(new java.io.IOException("connection refused")));
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> reads.awaitAll(null));
        assertEquals("the limits could not be read at start", failure.getMessage());
        assertEquals("connection refused", failure.getCause().getMessage());
    }

    private static Uni<Void> waitingForBoth(CountDownLatch started) {
        return Uni.createFrom().item(() -> {
            started.countDown();
            Await.latch(started, "the other read never started");
            return (Void) null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
