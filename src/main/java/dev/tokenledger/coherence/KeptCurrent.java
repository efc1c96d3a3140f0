package dev.tokenledger.coherence;

import java.time.Duration;
import java.util.function.Supplier;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * A copy in memory of what PostgreSQL holds (the price catalogue, the limits), kept current on every replica: read
 * before the gateway serves, reloaded at once when a change of its kind is announced through any replica (coalesced,
 * see {@link Coalesced}) and periodically as the backstop. Its owner observes the start and the changes and hands them
 * here.
 */
public final class KeptCurrent {

    private final String name;
    private final Change.Kind kind;
    private final Supplier<Uni<Void>> reload;
    private final Coalesced announced;

    /**
     * @param name what is kept, as the logs name it
     * @param kind the kind of change that makes it stale
     * @param reload reads it afresh
     */
    public KeptCurrent(String name, Change.Kind kind, Supplier<Uni<Void>> reload) {
        this.name = name;
        this.kind = kind;
        this.reload = reload;
        this.announced = new Coalesced(name, reload);
    }

    /** A change announced through another replica (or announcements may have been missed): reloads if it applies. */
    public void changed(Change change) {
        if (change.kind() == kind || change.kind() == Change.Kind.ALL) {
            announced.request();
        }
    }

    /** Starts {@code first}, the read the start waits for, and the reload every {@code every} after it. */
    public void start(StartupReads startupReads, String what, Uni<Void> first, Vertx vertx, Duration every) {
        startupReads.start(what, first);
        long ms = every.toMillis();
        vertx.setPeriodic(ms, ms, id -> reload.get().subscribe().with(v -> {
        }, e -> Log.warnf("%s reload failed: %s", name, e.getMessage())));
    }
}
