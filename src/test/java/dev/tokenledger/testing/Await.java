package dev.tokenledger.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for something done in the background, failing with what was awaited once time is up. */
public final class Await {

    /** A condition whose check may throw (a query, an HTTP call). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /**
     * Checks {@code condition} every {@code every} until it holds; after {@code max} fails with "timed out waiting for
     * {@code what}", followed by what {@code detail} says at that moment when it is given.
     */
    public static void until(String what, Duration max, Duration every, Condition condition, Supplier<String> detail)
            throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + (detail == null ? "" : " " + detail.get()));
            }
            Thread.sleep(every.toMillis());
        }
    }

    /** {@link #until(String, Duration, Duration, Condition, Supplier)} without a detail. */
    public static void until(String what, Duration max, Duration every, Condition condition) throws Exception {
        until(what, max, every, condition, null);
    }

    /**
     * Waits up to ten seconds for {@code latch} to reach zero, for code that may not throw checked exceptions (a
     * callback, a test resource's start): fails with {@code failure} once time is up, and keeps an interruption.
     */
    public static void latch(CountDownLatch latch, String failure) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@link #until(String, Duration, Duration, Condition)} for a condition that cannot throw. */
    public static void untilTrue(String what, Duration max, Duration every, BooleanSupplier condition)
            throws InterruptedException {
        try {
            until(what, max, every, condition::getAsBoolean);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
