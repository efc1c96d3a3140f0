package dev.tokenledger.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.config.LedgerConfig;
import dev.tokenledger.json.Json;
import dev.tokenledger.ledger.LedgerWriter.Entry;
import dev.tokenledger.usage.Durability;

/**
 * The write-ahead log: one thread appends the rows that arrive together (and forces them to disk once, with
 * {@code write-ahead-sync: answer}), completes their futures (on the event loop of each record's caller), and starts a
 * batch insert when enough rows wait or the oldest has waited long enough; the log file of a batch is sealed with it
 * (and forced then by a second thread, with {@code write-ahead-sync: batch}, so that appends and the answers waiting
 * on them never wait for a force), so that a batch and its file hold the same rows. Rows the
 * log cannot take (the disk full or failing) go the group-commit way instead. A batch the database cannot take leaves
 * its file to the spool's replay ({@link LedgerWriter#replay}).
 */
final class WriteAheadLog implements Runnable {

    /** A row on its way to the log, and the event loop its caller runs on (null: none). */
    private record Arrival(Entry entry, Context context) {
    }

    /** A logged row: completes when its batch is written to the ledger, with the writing transaction (0: unknown). */
    private record Logged(LedgerRow row, CompletableFuture<Long> committed) {
    }

    /** How long batches fail at once after the database failed to take one, instead of each waiting. */
    private static final Duration DATABASE_DOWN = Duration.ofSeconds(1);

    private final LedgerSpool files;
    private final LedgerConfig config;
    private final Vertx vertx;
    private final LedgerInserts inserts;
    /** Takes the rows the log cannot (the disk full or failing), and those offered as it stopped. */
    private final Consumer<List<Entry>> fallback;
    private final LinkedBlockingQueue<Arrival> incoming = new LinkedBlockingQueue<>();
    private final Arrival wake = new Arrival(null, null);
    private final long intervalNanos;
    private final AtomicBoolean inserting = new AtomicBoolean();
    /** Rows logged and not yet committed or left for a replay. */
    private final AtomicInteger onTheirWay = new AtomicInteger();
    private volatile boolean running = true;
    private Thread thread;
    /** Forces sealed files (write-ahead-sync: batch) while the log thread appends on. */
    private ExecutorService syncs;
    /** Logged rows not yet in a batch, and when the oldest of them was logged (nanoTime). Logger thread only. */
    private List<Logged> pending = new ArrayList<>();
    private long oldest;
    /** After a failed insert, batches fail at once until then (nanoTime). */
    private volatile long databaseDownUntil = System.nanoTime();

    WriteAheadLog(LedgerSpool files, LedgerConfig config, Vertx vertx, LedgerInserts inserts,
            Consumer<List<Entry>> fallback) {
        this.files = files;
        this.config = config;
        this.vertx = vertx;
        this.inserts = inserts;
        this.fallback = fallback;
        this.intervalNanos = Math.max(1, config.writeAheadInterval().toNanos());
    }

    void start() {
        thread = new Thread(this, "tokenledger-ledger-log");
        thread.setDaemon(true);
        syncs = Executors.newSingleThreadExecutor(task -> {
            Thread sync = new Thread(task, "tokenledger-ledger-sync");
            sync.setDaemon(true);
            return sync;
        });
        thread.start();
    }

    /** Queues a row for the log; false once the log has stopped. */
    boolean offer(Entry entry) {
        if (!running) {
            return false;
        }
        incoming.add(new Arrival(entry, io.vertx.core.Vertx.currentContext()));
        return true;
    }

    @Override
    public void run() {
        List<Arrival> arrived = new ArrayList<>();
        while (running || !incoming.isEmpty()) {
            try {
                Arrival first = incoming.poll(waitNanos(), TimeUnit.NANOSECONDS);
                if (first != null && first != wake) {
                    arrived.add(first);
                }
            } catch (InterruptedException e) {
                // stop() interrupts nothing; a stray interrupt only ends this wait
            }
            incoming.drainTo(arrived);
            arrived.remove(wake);
            if (!arrived.isEmpty()) {
                append(arrived);
                arrived.clear();
            }
            if (!pending.isEmpty() && (pending.size() >= config.batchSize()
                    || System.nanoTime() - oldest >= intervalNanos || !running)) {
                startBatch();
            }
        }
    }

    private long waitNanos() {
        return pending.isEmpty() || inserting.get()
                ? intervalNanos
                : Math.max(1, intervalNanos - (System.nanoTime() - oldest));
    }

    private void append(List<Arrival> arrived) {
        List<byte[]> lines = new ArrayList<>(arrived.size());
        List<Arrival> logged = new ArrayList<>(arrived.size());
        List<Entry> unwritable = new ArrayList<>(0);
        for (Arrival arrival : arrived) {
            Entry entry = arrival.entry();
            try {
                lines.add(Json.MAPPER.writeValueAsBytes(entry.row())); // UTF-8, escapes keep it on one line
                logged.add(arrival);
            } catch (JsonProcessingException e) {
                // the group commit writes it, and the database's own checks decide (a dead letter at worst)
                Log.errorf(e, "Ledger row %s cannot be logged: written before its answer", entry.row().requestId());
                unwritable.add(entry);
            }
        }
        if (!unwritable.isEmpty()) {
            fallback.accept(unwritable);
        }
        try {
            files.appendUtf8(lines);
        } catch (IOException | RuntimeException e) {
            Log.errorf(e, "Ledger write-ahead log cannot take %d rows: writing them before their answers",
                    logged.size());
            fallback.accept(logged.stream().map(Arrival::entry).toList());
            return;
        }
        if (pending.isEmpty()) {
            oldest = System.nanoTime();
        }
        onTheirWay.addAndGet(logged.size());
        for (Arrival arrival : logged) {
            CompletableFuture<Long> committed = new CompletableFuture<>();
            pending.add(new Logged(arrival.entry().row(), committed));
            Durability durability = Durability.logged(committed);
            CompletableFuture<Durability> durable = arrival.entry().durable();
            if (arrival.context() == null) {
                durable.complete(durability);
            } else {
                arrival.context().runOnContext(v -> durable.complete(durability));
            }
        }
    }

    /** Seals the log file of the pending rows and inserts them, unless an insert is running already. */
    private void startBatch() {
        if (!inserting.compareAndSet(false, true)) {
            return;
        }
        List<Logged> batch = pending;
        Path sealed;
        try {
            sealed = files.seal();
        } catch (IOException e) {
            // the rows stay pending, and in the active file: the next attempt takes them, with those logged later
            Log.errorf(e, "Ledger write-ahead log file could not be sealed; its %d rows wait", batch.size());
            oldest = System.nanoTime();
            inserting.set(false);
            return;
        }
        pending = new ArrayList<>();
        if (sealed != null) {
            try {
                syncs.execute(() -> sync(sealed));
            } catch (RejectedExecutionException stopped) {
                sync(sealed);
            }
        }
        List<LedgerRow> rows = batch.stream().map(Logged::row).toList();
        Tuple columns = LedgerRow.columns(rows); // laid out here: the event loop only sends them
        vertx.runOnContext(() -> insert(batch, rows, columns, sealed));
    }

    private void sync(Path sealed) {
        try {
            files.sync(sealed);
        } catch (IOException | RuntimeException e) {
            // the rows stay with the operating system: a crash of the process keeps them, one of the machine may not
            Log.errorf(e, "Ledger write-ahead log file could not be forced to disk");
        }
    }

    private void insert(List<Logged> batch, List<LedgerRow> rows, Tuple columns, Path sealed) {
        Uni<long[]> written = System.nanoTime() - databaseDownUntil < 0
                ? Uni.createFrom().failure(new IllegalStateException("the database failed a moment ago"))
                : inserts.insert(rows, columns);
        written.subscribe().with(transactions -> {
            released(sealed, true);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).committed().complete(transactions[i]);
            }
            inserted(batch.size());
        }, failure -> {
            if (System.nanoTime() - databaseDownUntil >= 0) {
                Log.warnf("Ledger database unavailable (%s): %d logged rows wait for the spool's replay",
                        failure.getMessage(), batch.size());
                databaseDownUntil = System.nanoTime() + DATABASE_DOWN.toNanos();
            }
            released(sealed, false);
            batch.forEach(logged -> logged.committed().complete(0L));
            inserted(batch.size());
        });
    }

    private void released(Path sealed, boolean written) {
        if (sealed == null) {
            return;
        }
        try {
            files.release(sealed, written);
        } catch (IOException e) {
            Log.errorf(e, "Written ledger log file could not be removed; it will be replayed (idempotently)");
        }
    }

    private void inserted(int rows) {
        onTheirWay.addAndGet(-rows);
        inserting.set(false);
        incoming.add(wake); // the logger looks again: rows may have piled up meanwhile
    }

    /** Rows logged and not yet committed or left for a replay. */
    int onTheirWay() {
        return onTheirWay.get();
    }

    /** Stops taking rows, logs and writes what was queued, and waits (bounded) for the last batch. */
    void stop() {
        running = false;
        incoming.add(wake);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            // rows offered as the log stopped: the group commit takes them
            List<Entry> late = new ArrayList<>();
            for (Arrival arrival; (arrival = incoming.poll()) != null;) {
                if (arrival != wake) {
                    late.add(arrival.entry());
                }
            }
            if (!late.isEmpty()) {
                fallback.accept(late);
            }
            long deadline = System.nanoTime() + LedgerInserts.INSERT_TIMEOUT.plusSeconds(1).toNanos();
            while ((inserting.get() || !pending.isEmpty()) && System.nanoTime() < deadline) {
                if (!inserting.get()) {
                    startBatch();
                }
                Thread.sleep(5);
            }
            syncs.shutdown();
            syncs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // whatever did not reach the database stays in the log's files, replayed at the next start
    }
}
