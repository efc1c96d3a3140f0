package dev.tokenledger.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** The usage ledger. */
public interface LedgerConfig {
    /** Directory of the local spool that keeps ledger rows while PostgreSQL is unreachable. */
    @WithDefault("spool")
    String spoolDir();

    /**
     * How often the ledger writer checks for rows left waiting. Rows are written as they come (one insert at a
     * time, the rows that arrive meanwhile together in the next) and an answer completes only once its row is
     * durable; this timer is the safety net behind that.
     */
    @WithDefault("10ms")
    Duration flushInterval();

    /**
     * Whether an answer completes only once its ledger row is durable (in the write-ahead log, written, or
     * forced to the spool): a replica that crashes then loses no answered request. Off, answers leave at once and a
     * crash can lose the rows of the last moments before it.
     */
    @WithDefault("true")
    boolean answerWhenDurable();

    /** Largest batch of ledger rows written at once (with the write-ahead log: the size that starts a batch). */
    @WithDefault("500")
    int batchSize();

    /**
     * Whether ledger rows go through this replica's write-ahead log: each row is appended to a local file (and forced
     * to disk with {@code write-ahead-sync: answer}) before its answer completes, and written to PostgreSQL
     * behind the answers in large batches, the log's file deleted once its batch is committed. A process crash loses
     * nothing (the next start, or another replica sharing the spool directory, replays the file); the loss of the
     * disk loses the rows of the last {@code write-ahead-interval}. Off, every answer waits for the group-committed
     * insert of its row (a crash loses nothing, the disk holds nothing but rows the database could not take), at
     * several times the database's CPU per request (docs/operations.md, "The ledger's durability").
     */
    @WithDefault("true")
    boolean writeAhead();

    /** With the write-ahead log: how long a logged row may wait for its batch to start before it leaves anyway. */
    @WithDefault("100ms")
    Duration writeAheadInterval();

    /**
     * With the write-ahead log: what an answer waits for. {@code batch}: its row is written to the log (the operating
     * system holds it), and the log is forced once per batch, when the batch leaves for PostgreSQL: the row survives a
     * crash of the process (a kill, an out of memory), and a crash of the machine loses at most the rows of one
     * {@code write-ahead-interval} and one insert. {@code answer}: its row is written to the log and forced to disk
     * (one fsync for the rows that arrive together), so the row survives a crash of the machine too, as long as the
     * log's volume does. On a volume that does not outlive the machine (an {@code emptyDir}, the container's file
     * system) {@code answer} keeps nothing more than {@code batch} and costs an fsync every few answers.
     */
    @WithDefault("batch")
    WriteAheadSync writeAheadSync();

    /** What an answer waits for with the write-ahead log ({@link #writeAheadSync()}). */
    enum WriteAheadSync {
        /** Its row written to the log and forced to disk. */
        ANSWER,
        /** Its row written to the log; the log forced once per batch. */
        BATCH
    }

    /**
     * How long a stream's provisional ledger record may go without being touched by its replica (which touches it
     * every quarter of this while the stream runs) before it is taken as interrupted and billed at its estimate.
     */
    @WithDefault("2m")
    Duration provisionalStaleAfter();

    /** How often the price catalogue is reloaded from the database (other replicas' changes). */
    @WithDefault("30s")
    Duration priceRefresh();

    /**
     * Whether the tokenizer that estimates usage (when an upstream reports none) is read as soon as the HTTP server
     * listens, in the background, or only when the first estimate needs it. Reading it takes a few hundred ms of CPU
     * and ~30 MB of heap: preloading keeps that off every request; reading it on first need keeps it off the idle
     * footprint of a replica whose upstreams always report usage.
     */
    @WithDefault("true")
    boolean tokenizerPreload();
}
