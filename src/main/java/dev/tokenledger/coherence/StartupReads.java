package dev.tokenledger.coherence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * The reads from PostgreSQL that must be done before the gateway serves: the price catalogue, the limits and the
 * stored upstream credentials. Each owner starts its read in its own start-up observer; the reads run together, and
 * the start waits for all of them once, after every application observer, instead of one after another.
 */
@ApplicationScoped
public class StartupReads {

    private final List<Pending> pending = new ArrayList<>();

    private record Pending(String what, CompletableFuture<Void> done) {
    }

    /** Starts {@code read} now; the start waits for it (and fails with it) before the gateway serves. */
    public synchronized void start(String what, Uni<Void> read) {
        StartupTimeline.mark("start-up read started: " + what);
        pending.add(new Pending(what, read.subscribeAsCompletionStage()
                .whenComplete((done, failure) -> StartupTimeline.mark("start-up read done: " + what))));
    }

    public void awaitAll(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 100) StartupEvent event) {
        List<Pending> reads;
        synchronized (this) {
            reads = List.copyOf(pending);
            pending.clear();
        }
        long started = System.nanoTime();
        for (Pending read : reads) {
            try {
                read.done().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(read.what() + " could not be read at start", e.getCause());
            }
        }
        Log.debugf("Start-up reads (%d) done in %d ms", reads.size(), (System.nanoTime() - started) / 1_000_000);
    }
}
