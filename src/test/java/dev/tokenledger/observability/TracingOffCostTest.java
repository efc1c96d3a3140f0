package dev.tokenledger.observability;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.TracerProvider;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.http.RequestContext;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing off costs the request path nothing: the per-request calls the pipeline makes return their input unchanged
 * and allocate nothing of their own (measured with the thread's allocation counter over many calls).
 */
class TracingOffCostTest {

    private static final int CALLS = 200_000;

    @Test
    void offPathReturnsItsInputAndAllocatesNothing() {
        Tracing off = new Tracing(TracerProvider.noop().get("test"), true);
        RequestContext ctx = new RequestContext("r1", System.nanoTime());
        ChatRequest request = null; // never read while tracing is off
        assertFalse(off.enabled());
        assertNull(off.attach(ctx));
        assertSame(RequestSpan.NONE, off.chat(ctx, request));
        Uni<String> work = Uni.createFrom().item("x");
        CompletionStage<String> done = CompletableFuture.completedFuture("x");
        // made once, as the pipeline's own lambdas are made whether tracing is on or off
        java.util.function.Function<dev.tokenledger.usage.UsageRecord, CompletionStage<String>> write = r -> done;
        java.util.function.Function<String, Uni<String>> send = traceparent -> work;
        assertSame(work, RequestSpan.NONE.step("admission", work));

        long perCall = allocatedPerCall(() -> {
            RequestSpan span = off.chat(ctx, request);
            off.attach(ctx);
            if (span.step("admission", work) != work || span.ledger(null, write) != done
                    || span.upstream(null, send) != work) {
                throw new AssertionError();
            }
            span.failed(null);
        });
        System.out.println("tracing off: " + perCall + " bytes allocated per request's tracing calls");
        assertTrue(perCall < 8, perCall + " bytes per call");
    }

    private static long allocatedPerCall(Runnable call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < CALLS; i++) { // warm up: let the JIT compile the path as it runs in the gateway
            call.run();
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < CALLS; i++) {
            call.run();
        }
        return (threads.getThreadAllocatedBytes(id) - before) / CALLS;
    }
}
