package dev.tokenledger.coherence;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * A reload that many announcements may ask for at once: at most one runs, and a request that arrives while it runs
 * makes exactly one more run after it (so the last change is always seen, and a burst costs two reloads).
 */
public final class Coalesced {

    private final String name;
    private final Supplier<Uni<Void>> action;
    /** 0 idle, 1 running, 2 running with one more run requested. */
    private final AtomicInteger state = new AtomicInteger();

    public Coalesced(String name, Supplier<Uni<Void>> action) {
        this.name = name;
        this.action = action;
    }

    public void request() {
        if (state.getAndUpdate(s -> Math.min(s + 1, 2)) == 0) {
            run();
        }
    }

    private void run() {
        Uni<Void> reload;
        try {
            reload = action.get();
        } catch (RuntimeException e) {
            reload = Uni.createFrom().failure(e);
        }
        reload.subscribe().with(v -> done(), e -> {
            Log.warnf("%s reload after an announced change failed (the periodic reload retries): %s", name,
                    e.getMessage());
            done();
        });
    }

    private void done() {
        if (state.decrementAndGet() > 0) {
            run();
        }
    }
}
