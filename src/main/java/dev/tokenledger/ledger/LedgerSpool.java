package dev.tokenledger.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Local durability spool of the usage ledger while PostgreSQL is unreachable, and its write-ahead log.
 * <p>
 * Rows go to this instance's active file ("*.spool"), one line each, {@code <crc32 of the UTF-8 json, 8 lowercase hex>
 * <json>\n}, forced to disk before {@link #append} returns. {@link #takeForReplay} renames pending active files to
 * "*.replay" and returns the rows of every "*.replay" file; {@link #commit} deletes them once the rows are in the
 * database and {@link #abort} leaves them for the next attempt. The database insert is idempotent by request id, so
 * every step prefers replaying a row again to deleting it early.
 * <p>
 * Instances may share the directory. Each holds an exclusive lock on its active file while it lives; another instance
 * takes over an active file only when it can take that lock, i.e. its writer is gone. Active file names are unique and
 * never reused, so a name once moved aside cannot reappear under a live writer. Use one LedgerSpool per process and
 * directory: closing any descriptor of a file drops the process's lock on it, which is also why this instance never
 * opens its own active file a second time.
 * <p>
 * As a write-ahead log, every row is appended before its database insert, and the instance's own active file is not
 * replayed: its rows are in memory on their way to the database. {@link #seal} closes the active file under its replay
 * name, still held back from replay, when its rows leave as one batch; {@link #release} deletes it once they are
 * written, or hands it to replay when they could not be. A crash leaves the active and sealed files to be replayed by
 * the next instance.
 */
public final class LedgerSpool {

    private static final String ACTIVE = ".spool";
    private static final String REPLAY = ".replay";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path dir;
    private final String instanceId;
    private final UnaryOperator<FileChannel> channels;
    private final Object lock = new Object();
    private final boolean writeAhead;
    /** Whether append forces its rows to disk (else seal does, for all the file's rows). */
    private final boolean forceEachAppend;
    private final Set<Path> ownActive = ConcurrentHashMap.newKeySet(); // and own sealed files not yet released
    private final Map<Path, long[]> counted = new HashMap<>(); // other files: {bytes scanned, rows seen}
    /** Sealed files not forced yet, with their open channels: the batches on their way, a handful at most. */
    private final Map<Path, FileChannel> unsynced = new ConcurrentHashMap<>();
    private FileChannel channel; // guarded by lock; null until the first append after start or after a take
    private Path activePath;
    private long end; // bytes of whole, forced rows in the active file
    private long activeRows;

    /** Spool files live in dir (created if missing); this instance appends to its own file named with instanceId. */
    public LedgerSpool(Path dir, String instanceId) throws IOException {
        this(dir, instanceId, false, true, UnaryOperator.identity());
    }

    /**
     * As a write-ahead log (writeAhead) or as a spool only; forceEachAppend false (write-ahead log only): append only
     * writes, and {@link #sync} forces a sealed file's rows to disk.
     */
    public LedgerSpool(Path dir, String instanceId, boolean writeAhead, boolean forceEachAppend) throws IOException {
        this(dir, instanceId, writeAhead, forceEachAppend, UnaryOperator.identity());
    }

    /** With a wrapper around the channel of each active file (tests count forces and inject failures). */
    LedgerSpool(Path dir, String instanceId, UnaryOperator<FileChannel> channels) throws IOException {
        this(dir, instanceId, false, true, channels);
    }

    LedgerSpool(Path dir, String instanceId, boolean writeAhead, boolean forceEachAppend,
            UnaryOperator<FileChannel> channels) throws IOException {
        if (!instanceId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException("instance id must be a plain file name: " + instanceId);
        }
        if (!writeAhead && !forceEachAppend) {
            throw new IllegalArgumentException("a spool forces every append: its rows have nowhere else to be");
        }
        this.forceEachAppend = forceEachAppend;
        this.dir = Files.createDirectories(dir);
        this.instanceId = instanceId;
        this.writeAhead = writeAhead;
        this.channels = channels;
    }

    /**
     * Appends rows, one line each, then forces them to disk once for the whole call (unless this log forces at
     * {@link #seal} only: then the operating system holds them, which a crash of the process does not lose).
     * Thread-safe. A row must be non-empty valid Unicode without '\n' (else IllegalArgumentException and nothing of
     * the call is written).
     */
    public void append(List<String> jsonRows) throws IOException {
        List<byte[]> rows = new ArrayList<>(jsonRows.size());
        for (String json : jsonRows) {
            rows.add(SpoolLines.utf8(json));
        }
        appendUtf8(rows);
    }

    /** As {@link #append}, with rows already UTF-8 (as a JSON writer gives them): non-empty, without '\n'. */
    public void appendUtf8(List<byte[]> jsonRows) throws IOException {
        if (jsonRows.isEmpty()) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(SpoolLines.lines(jsonRows));
        int rows = jsonRows.size();
        synchronized (lock) {
            if (channel != null && !channel.isOpen()) {
                retire(); // closed by an interrupted write: keep its rows for replay, write on in a new file
            }
            if (channel == null) {
                openFresh();
            }
            long position = end;
            try {
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                if (forceEachAppend) {
                    channel.force(false);
                }
            } catch (IOException e) {
                // Drop the partial line so the next row is not glued to it; the next append writes at end anyway.
                try {
                    channel.truncate(end);
                } catch (IOException t) {
                    e.addSuppressed(t);
                }
                throw e;
            }
            end = position;
            activeRows += rows;
        }
    }

    /** Whether any spool file in dir holds rows not yet committed (this instance's and leftovers of others). */
    public boolean hasPending() throws IOException {
        synchronized (lock) {
            if (end > 0 && !writeAhead) {
                return true;
            }
        }
        return others().stream().anyMatch(f -> f.size() > 0);
    }

    /** Approximate number of pending rows: lines ended by '\n', counted incrementally as files grow. */
    public long pendingRows() throws IOException {
        long rows;
        synchronized (lock) {
            rows = writeAhead ? 0 : activeRows;
        }
        synchronized (counted) {
            Map<Path, long[]> now = new HashMap<>();
            for (SpoolFile file : others()) {
                try {
                    long[] before = counted.getOrDefault(file.path(), new long[2]);
                    long[] count = SpoolLines.count(file.path(), file.size(), before);
                    now.put(file.path(), count);
                    rows += count[1];
                } catch (NoSuchFileException e) {
                    // committed meanwhile
                }
            }
            counted.clear();
            counted.putAll(now);
        }
        return rows;
    }

    /**
     * Moves this instance's active file and those of gone instances aside, then reads every "*.replay" file in dir,
     * oldest (last written) first, rows in file order. Malformed lines, CRC mismatches and a torn last line are
     * skipped and counted.
     */
    public Batch takeForReplay() throws IOException {
        synchronized (lock) {
            if (channel != null && end > 0 && !writeAhead) {
                retire();
            }
        }
        for (SpoolFile file : others()) {
            if (file.active()) {
                takeOverIfOrphaned(file.path());
            }
        }
        List<String> rows = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        int skipped = 0;
        for (SpoolFile file : others().stream().filter(f -> !f.active())
                .sorted(Comparator.comparing(SpoolFile::written).thenComparing(SpoolFile::path)).toList()) {
            try {
                skipped += SpoolLines.read(file.path(), rows);
                files.add(file.path());
            } catch (NoSuchFileException e) {
                // committed meanwhile
            }
        }
        return new Batch(List.copyOf(rows), List.copyOf(files), skipped);
    }

    /**
     * Write-ahead log: closes the active file under its replay name, held back from replay until {@link #release}, so
     * that the rows appended so far can leave as one batch; the next append starts a new file. A log that does not
     * force each append leaves the sealed file to {@link #sync}, which the caller runs off the appending thread, so
     * that appends never wait for a force.
     *
     * @return the sealed file, or null when nothing was appended since the last seal
     */
    public Path seal() throws IOException {
        synchronized (lock) {
            if (channel == null || end == 0) {
                return null;
            }
            Path sealed = replayName(activePath);
            ownActive.add(sealed);
            FileChannel retired = channel;
            if (forceEachAppend) {
                retire();
            } else {
                unsynced.put(sealed, retired);
                retire(false);
            }
            return sealed;
        }
    }

    /**
     * Write-ahead log forced per batch: forces a sealed file's rows to disk, then the directory, so that the sealed
     * name and the rows outlive the machine. Nothing to do for a file already synced or for a log that forces each
     * append.
     */
    public void sync(Path sealed) throws IOException {
        FileChannel retired = unsynced.remove(sealed);
        if (retired == null) {
            return;
        }
        try (retired) {
            retired.force(false);
        }
        syncDirectory();
    }

    /**
     * Write-ahead log: the rows of a sealed file were written to the database (the file is deleted), or could not be
     * (the file is left to replay).
     */
    public void release(Path sealed, boolean written) throws IOException {
        try {
            if (written) {
                Files.deleteIfExists(sealed);
                FileChannel unforced = unsynced.remove(sealed); // in the database already: no force needed
                if (unforced != null) {
                    unforced.close();
                }
            }
        } finally {
            ownActive.remove(sealed);
        }
    }

    /** After the batch's rows were durably written elsewhere: delete its files. */
    public void commit(Batch batch) throws IOException {
        for (Path file : batch.files()) {
            Files.deleteIfExists(file);
        }
    }

    /** The batch could not be written: its files stay where they are and the next takeForReplay reads them again. */
    public void abort(Batch batch) {
    }

    public record Batch(List<String> rows, List<Path> files, int skippedLines) {
    }

    /** Starts an active file under a name never used before, locked for as long as this instance writes to it. */
    private void openFresh() throws IOException {
        while (channel == null) {
            Path path = dir.resolve(instanceId + "." + System.currentTimeMillis() + "-" + SEQUENCE.incrementAndGet()
                    + ACTIVE);
            ownActive.add(path);
            FileChannel created = null;
            try {
                created = channels.apply(FileChannel.open(path, CREATE_NEW, WRITE));
                // Unlocked for an instant, a new file may be taken over as an orphan: then start over.
                if (tryLock(created) && Files.exists(path)) {
                    if (forceEachAppend) {
                        syncDirectory(); // the new name must survive a crash as surely as the rows written to it
                    }
                    channel = created;
                    activePath = path;
                }
            } finally {
                if (channel == null) {
                    ownActive.remove(path);
                    if (created != null) {
                        created.close();
                    }
                }
            }
        }
    }

    /** Renames the active file for replay; the next append starts a new one. Called with the lock held. */
    private void retire() throws IOException {
        retire(true);
    }

    /** As {@link #retire()}; close false: the channel stays open for {@link #sync}. */
    private void retire(boolean close) throws IOException {
        try {
            Files.move(activePath, replayName(activePath), ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            // the channel was closed, its lock with it, and another instance took the file over
        }
        FileChannel retired = channel;
        channel = null;
        end = 0;
        activeRows = 0;
        ownActive.remove(activePath);
        if (close) {
            retired.close();
        }
    }

    /** Moves another instance's active file aside for replay unless its writer is alive (holds the lock). */
    private void takeOverIfOrphaned(Path file) throws IOException {
        try (FileChannel probe = FileChannel.open(file, WRITE)) {
            if (tryLock(probe)) {
                Files.move(file, replayName(file), ATOMIC_MOVE);
            }
        } catch (NoSuchFileException e) {
            // moved aside by another instance meanwhile
        }
    }

    private static boolean tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            return false; // held by another LedgerSpool of this process
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, READ)) {
            directory.force(true);
        }
    }

    private static Path replayName(Path active) {
        String name = active.getFileName().toString();
        return active.resolveSibling(name.substring(0, name.length() - ACTIVE.length()) + REPLAY);
    }

    private record SpoolFile(Path path, boolean active, long size, FileTime written) {
    }

    /** Spool and replay files in dir other than this instance's active file. */
    private List<SpoolFile> others() throws IOException {
        List<SpoolFile> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*{" + ACTIVE + "," + REPLAY + "}")) {
            for (Path path : files) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                    if (!ownActive.contains(path)) {
                        found.add(new SpoolFile(path, path.toString().endsWith(ACTIVE), attributes.size(),
                                attributes.lastModifiedTime()));
                    }
                } catch (NoSuchFileException e) {
                    // committed meanwhile
                }
            }
        }
        return found;
    }
}
