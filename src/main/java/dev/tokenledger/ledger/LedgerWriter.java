package dev.tokenledger.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.config.LedgerConfig;
import dev.tokenledger.json.Json;
import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;

/**
 * Writes every usage record to the ledger, exactly once, with an idempotent insert on the request id. Each record's
 * future completes when its row is durable, so that an answer is only complete once it is metered: a replica that
 * crashes loses no answered request.
 * <p>
 * With the write-ahead log ({@code tokenledger.ledger.write-ahead}, the default) one thread appends the rows that
 * arrive together to the log and forces them to disk with one fsync, which makes them durable; they leave for
 * PostgreSQL behind the answers in large batches (every {@code write-ahead-interval}, or as soon as {@code batch-size}
 * rows wait), and the log file of a batch is deleted once it is committed. Without it, rows are written by a group
 * commit before their answers (one insert at a time; the rows that arrive while it runs leave together in the next).
 * <p>
 * Rows PostgreSQL cannot take go to the local spool (a log file is simply left there), which is replayed whenever the
 * database answers again, and at start-up. A row PostgreSQL refuses (written or replayed) is quarantined alone
 * ({@link LedgerInserts}); it never holds its batch or the spool.
 */
@ApplicationScoped
public class LedgerWriter implements UsageRecorder {

    /** How long batches go straight to the spool after the database failed to take one. */
    private static final java.time.Duration SPOOL_DIRECTLY = java.time.Duration.ofSeconds(1);

    private final Pool pool;
    private final Vertx vertx;
    private final GatewayConfig config;
    private final LedgerInserts inserts;

    @Inject
    public LedgerWriter(Pool pool, Vertx vertx, GatewayConfig config, LedgerInserts inserts) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
        this.inserts = inserts;
    }

    /** A row and the future of its durability. */
    record Entry(LedgerRow row, CompletableFuture<Durability> durable) {
    }

    private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean replaying = new AtomicBoolean();
    /** After a failed insert, batches go straight to the spool until then (nanoTime), instead of each waiting. */
    private volatile long databaseDownUntil = System.nanoTime();
    private LedgerSpool spool;
    /** The write-ahead log's files, in a directory of their own ("log" in the spool directory); null without it. */
    private LedgerSpool logFiles;
    private WriteAheadLog log;
    private long flushTimer = -1;
    private long replayTimer = -1;

    void onStart(@Observes StartupEvent event) throws IOException {
        String instance = UUID.randomUUID().toString();
        spool = new LedgerSpool(Path.of(config.ledger().spoolDir()), instance);
        if (config.ledger().writeAhead()) {
            logFiles = new LedgerSpool(Path.of(config.ledger().spoolDir(), "log"), instance, true,
                    config.ledger().writeAheadSync() == LedgerConfig.WriteAheadSync.ANSWER);
        }
        long every = Math.max(1, config.ledger().flushInterval().toMillis());
        flushTimer = vertx.setPeriodic(every, every, id -> write());
        replayTimer = vertx.setPeriodic(0, 2000, id -> replay().subscribe().with(v -> {
        }, e -> Log.debugf("Spool replay deferred: %s", e.getMessage())));
        if (logFiles != null) {
            log = new WriteAheadLog(logFiles, config.ledger(), vertx, inserts, this::writeBeforeAnswers);
            log.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(flushTimer);
        vertx.cancelTimer(replayTimer);
        if (log != null) {
            log.stop();
        }
        try {
            while (queued.get() > 0) {
                flush().await().atMost(LedgerInserts.INSERT_TIMEOUT.plusSeconds(1));
            }
        } catch (RuntimeException e) {
            Log.warnf("Ledger rows could not be written at shutdown (%s): spooling them", e.getMessage());
        }
        // whatever is still queued (the database or the reactive machinery already gone) goes to the spool
        List<Entry> rest = new ArrayList<>();
        Entry entry;
        while ((entry = queue.poll()) != null) {
            rest.add(entry);
        }
        if (!rest.isEmpty()) {
            spoolNow(rest);
        }
    }

    @Override
    public CompletionStage<Durability> record(UsageRecord record) {
        CompletableFuture<Durability> durable = new CompletableFuture<>();
        WriteAheadLog log = this.log;
        if (log != null && log.offer(new Entry(LedgerRow.of(record), durable))) {
            return durable;
        }
        queue.add(new Entry(LedgerRow.of(record), durable));
        queued.incrementAndGet();
        write();
        if (Log.isDebugEnabled()) {
            Log.debugf("usage request=%s subject=%s model=%s provider=%s outcome=%s prompt=%d cached=%d completion=%d "
                    + "reasoning=%d source=%s streamed=%s cost=%s", record.requestId(),
                    ClientText.forLog(record.principal().subject()), ClientText.forLog(record.requestedModel()),
                    record.providerId(), record.outcome(), record.usage().promptTokens(),
                    record.usage().cachedPromptTokens(), record.usage().completionTokens(),
                    record.usage().reasoningTokens(), record.usage().source(), record.streamed(),
                    record.priced().priced() ? record.priced().cost().exactUsd() : "unknown");
        }
        return durable;
    }

    /** Rows the write-ahead log could not take: the group commit writes them before their answers. */
    private void writeBeforeAnswers(List<Entry> entries) {
        queue.addAll(entries);
        queued.addAndGet(entries.size());
        vertx.runOnContext(this::write);
    }

    /** Starts a write unless one is running; when it ends, the rows that arrived meanwhile leave together. */
    private void write() {
        if (queued.get() == 0 || !writing.compareAndSet(false, true)) {
            return;
        }
        flush().subscribe().with(v -> written(), e -> {
            Log.errorf(e, "Ledger flush failed");
            written();
        });
    }

    private void written() {
        writing.set(false);
        if (queued.get() > 0) {
            write();
        }
    }

    /** Writes what is queued; rows the database refuses or cannot take go to the spool. */
    public Uni<Void> flush() {
        List<Entry> batch = new ArrayList<>();
        Entry entry;
        while (batch.size() < config.ledger().batchSize() && (entry = queue.poll()) != null) {
            batch.add(entry);
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        queued.addAndGet(-batch.size());
        if (System.nanoTime() - databaseDownUntil < 0) {
            spoolNow(batch);
            return Uni.createFrom().voidItem();
        }
        List<LedgerRow> rows = new ArrayList<>(batch.size());
        batch.forEach(e -> rows.add(e.row()));
        return inserts.insert(rows).invoke(transactions -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).durable().complete(Durability.written(transactions[i]));
            }
        }).onFailure()
                .invoke(failure -> {
                    Log.warnf("Ledger database unavailable (%s): spooling %d rows", failure.getMessage(), batch.size());
                    databaseDownUntil = System.nanoTime() + SPOOL_DIRECTLY.toNanos();
                    spoolNow(batch);
                }).onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Appends rows to the spool and forces them to disk, on the calling thread and without the reactive machinery,
     * so it also works while the application shuts down. It blocks for one fsync; it only runs while the database
     * cannot take rows.
     */
    private void spoolNow(List<Entry> entries) {
        List<String> lines = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            try {
                lines.add(Json.MAPPER.writeValueAsString(entry.row()));
            } catch (JsonProcessingException e) {
                Log.errorf(e, "Ledger row %s cannot be serialised", entry.row().requestId());
            }
        }
        try {
            spool.append(lines);
            entries.forEach(e -> e.durable().complete(Durability.SPOOLED));
        } catch (IOException | RuntimeException e) {
            Log.errorf(e, "LEDGER ROWS LOST: %d rows could be neither written nor spooled", lines.size());
            entries.forEach(entry -> entry.durable().completeExceptionally(e));
        }
    }

    /**
     * Replays the spool, then the write-ahead log files left for replay (by a batch the database could not take, or by
     * a process that is gone), into the database when there is something to replay and the database takes it.
     */
    public Uni<Void> replay() {
        if (!replaying.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return replay(spool).chain(() -> logFiles == null ? Uni.createFrom().voidItem() : replay(logFiles))
                .eventually(() -> replaying.set(false));
    }

    private Uni<Void> replay(LedgerSpool spool) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            try {
                return spool.hasPending() ? spool.takeForReplay() : null;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })).chain(batch -> {
            if (batch == null || batch.rows().isEmpty()) {
                if (batch != null) {
                    commit(spool, batch);
                }
                return Uni.createFrom().voidItem();
            }
            List<LedgerRow> rows = new ArrayList<>(batch.rows().size());
            for (String line : batch.rows()) {
                try {
                    rows.add(Json.MAPPER.readValue(line, LedgerRow.class));
                } catch (JsonProcessingException e) {
                    Log.errorf("Unreadable spooled ledger row skipped: %s", e.getMessage());
                }
            }
            return inserts.insert(rows)
                    .invoke(() -> {
                        commit(spool, batch);
                        Log.infof("Replayed %d spooled ledger rows", rows.size());
                    })
                    .onFailure().invoke(e -> spool.abort(batch)).replaceWithVoid();
        });
    }

    private static void commit(LedgerSpool spool, LedgerSpool.Batch batch) {
        try {
            spool.commit(batch);
        } catch (IOException e) {
            Log.errorf(e, "Replayed spool files could not be removed; they will be replayed again (idempotently)");
        }
    }

    /** Rows in the write-ahead log on their way to the database, for metrics. */
    public long loggedRows() {
        WriteAheadLog log = this.log;
        return log == null ? 0 : log.onTheirWay();
    }

    /** Rows waiting in the spool, for readiness and metrics. */
    public long spooledRows() {
        try {
            return (spool == null ? 0 : spool.pendingRows()) + (logFiles == null ? 0 : logFiles.pendingRows());
        } catch (IOException e) {
            return -1;
        }
    }
}
