package dev.tokenledger.coherence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * Where a start spends its time and memory: at each mark, the time since the process started, the CPU time the
 * process and the calling thread have used and the resident memory, logged at DEBUG in the category
 * {@code dev.tokenledger.startup} ({@code QUARKUS_LOG_CATEGORY__DEV_TOKENLEDGER_STARTUP__LEVEL=DEBUG}); with
 * {@code -Dquarkus.debug.print-startup-times=true} besides, Quarkus times its own start-up steps. Marks: the start-up
 * observers begin (Quarkus' runtime initialisation is done), the platform's and the application's observers are done,
 * each start-up read starts and ends ({@code coherence.StartupReads}), the HTTP server listens, the tokenizer is read.
 * Linux only (the figures come from {@code /proc}); elsewhere, and at any other level, a mark costs nothing.
 */
@ApplicationScoped
public class StartupTimeline {

    private static final Logger LOG = Logger.getLogger("dev.tokenledger.startup");
    private static final long TICK_MS = 10; // USER_HZ is 100 on every Linux the gateway runs on

    /** Logs a mark of the start, or of a one-time step after it (e.g. the tokenizer read on first use). */
    public static void mark(String step) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        try {
            long[] process = cpuAndStart(Path.of("/proc/self/stat"));
            long[] thread = cpuAndStart(Path.of("/proc/thread-self/stat"));
            long uptimeMs = (long) (Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]) * 1000);
            long rssPages = Long.parseLong(Files.readString(Path.of("/proc/self/statm")).split(" ")[1]);
            LOG.debugf("start-up: %s at %d ms since the process started; CPU %d ms (this thread %d ms); RSS %.1f MB",
                    step, uptimeMs - process[1] * TICK_MS, process[0] * TICK_MS, thread[0] * TICK_MS,
                    rssPages * 4096 / 1_000_000.0);
        } catch (IOException | RuntimeException e) {
            LOG.debugf("start-up: %s (no figures: %s)", step, e.toString());
        }
    }

    /** utime + stime and the start time of a process or thread, in clock ticks, from its stat file. */
    private static long[] cpuAndStart(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        // fields after the command: state is field 3 of proc(5), so field n is fields[n - 3]
        return new long[]{Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long.parseLong(fields[19])};
    }

    void runtimeInitDone(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        mark("Quarkus' runtime initialisation done, start-up observers begin");
    }

    void platformObserversDone(@Observes @Priority(Interceptor.Priority.APPLICATION + 499) StartupEvent event) {
        mark("platform start-up observers done");
    }

    void applicationObserversDone(@Observes @Priority(Interceptor.Priority.APPLICATION + 501) StartupEvent event) {
        mark("application start-up observers and @Startup beans done");
    }

    void observersDone(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 200) StartupEvent event) {
        mark("start-up observers done, start-up reads awaited");
    }

    void listening(@ObservesAsync HttpServerStart event) {
        mark("HTTP server listening");
    }
}
