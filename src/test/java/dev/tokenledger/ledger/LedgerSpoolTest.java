package dev.tokenledger.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger spool: line format, durability, recovery from torn and corrupt lines, replay hand-over, concurrency. */
class LedgerSpoolTest {

    @TempDir
    Path dir;

    // ---- format and durability ----

    @Test
    void roundTripsRowsIncludingNonAscii() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        List<String> rows = List.of(row("r1"), "{\"requestId\":\"r2\",\"user\":\"é 中 🙂\"}", row("r3"));
        spool.append(rows.subList(0, 2));
        spool.append(rows.subList(2, 3));

        LedgerSpool.Batch batch = spool.takeForReplay();

        assertEquals(rows, batch.rows());
        assertEquals(0, batch.skippedLines());
    }

    @Test
    void writesOneCrcPrefixedLinePerRow() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of("{\"requestId\":\"r1\"}", "{\"requestId\":\"r-é中🙂\"}"));

        Path file = onlyFile(".spool");
        assertTrue(file.getFileName().toString().startsWith("pod-a."), file.toString());
        // CRC-32 values computed independently (zlib.crc32 of the UTF-8 bytes)
        String expected = "75a7b7fe {\"requestId\":\"r1\"}\nad307d41 {\"requestId\":\"r-é中🙂\"}\n";
        assertEquals(expected, Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void rowsAreInTheFileWhenAppendReturns() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of(row("r1")));

        try (FileChannel fresh = FileChannel.open(onlyFile(".spool"), StandardOpenOption.READ)) {
            ByteBuffer content = ByteBuffer.allocate((int) fresh.size());
            fresh.read(content, 0);
            assertEquals(line(row("r1")), new String(content.array(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void forcesOncePerAppendCall() throws IOException {
        AtomicInteger forces = new AtomicInteger();
        LedgerSpool spool = new LedgerSpool(dir, "pod-a", c -> new Probe(c, forces));

        spool.append(rows("a", 5));
        spool.append(rows("b", 1));
        spool.append(List.of());
        spool.append(rows("c", 3));

        assertEquals(3, forces.get());
    }

    @Test
    void aLogForcedPerBatchOnlyWritesAppendsAndForcesItsFileOnceWhenSynced() throws IOException {
        AtomicInteger forces = new AtomicInteger();
        LedgerSpool log = new LedgerSpool(dir, "pod-a", true, false, c -> new Probe(c, forces));

        log.append(rows("a", 5));
        log.append(rows("b", 1));
        assertEquals(0, forces.get(), "an append of write-ahead-sync: batch only writes");

        Path sealed = log.seal();
        assertEquals(0, forces.get(), "the seal leaves the force to sync, off the appending thread");
        log.sync(sealed);
        assertEquals(1, forces.get(), "sync forces the batch's file, once");
        log.sync(sealed);
        assertEquals(1, forces.get());
        List<String> logged = new ArrayList<>();
        assertEquals(0, SpoolLines.read(sealed, logged));
        List<String> expected = new ArrayList<>(rows("a", 5));
        expected.addAll(rows("b", 1));
        assertEquals(expected, logged);
        assertNull(log.seal());
        assertEquals(1, forces.get());
    }

    @Test
    void appendsGoOnWhileASealedFileIsForced() throws Exception {
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LedgerSpool log = new LedgerSpool(dir, "pod-a", true, false, c -> new Probe(c, new AtomicInteger()) {
            @Override
            public void force(boolean metaData) throws IOException {
                forcing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                super.force(metaData);
            }
        });
        log.append(rows("a", 2));
        Path sealed = log.seal();
        Thread sync = new Thread(() -> {
            try {
                log.sync(sealed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        sync.start();
        assertTrue(forcing.await(5, TimeUnit.SECONDS));

        CompletableFuture<Void> append = CompletableFuture
                .runAsync(() -> {
                    try {
                        log.append(rows("b", 1));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        append.get(5, TimeUnit.SECONDS); // not behind the force
        release.countDown();
        sync.join(5_000);
        List<String> logged = new ArrayList<>();
        assertEquals(0, SpoolLines.read(sealed, logged));
        assertEquals(rows("a", 2), logged);
    }

    @Test
    void aLogForcedPerAnswerForcesEveryAppendAndNotAgainWhenSealed() throws IOException {
        AtomicInteger forces = new AtomicInteger();
        LedgerSpool log = new LedgerSpool(dir, "pod-a", true, true, c -> new Probe(c, forces));

        log.append(rows("a", 2));
        log.append(rows("b", 1));
        assertEquals(2, forces.get());
        assertNotNull(log.seal());
        assertEquals(2, forces.get());
        assertThrows(IllegalArgumentException.class, () -> new LedgerSpool(dir, "pod-b", false, false),
                "a spool's rows are nowhere else: it forces every append");
    }

    @Test
    void aWriteThatFailsHalfwayLeavesNoFragmentForTheNextRow() throws IOException {
        AtomicInteger forces = new AtomicInteger();
        List<Probe> probes = new ArrayList<>();
        LedgerSpool spool = new LedgerSpool(dir, "pod-a", c -> {
            Probe probe = new Probe(c, forces);
            probes.add(probe);
            return probe;
        });
        spool.append(List.of(row("r1")));
        probes.get(0).tearNextWrite = true;

        assertThrows(IOException.class, () -> spool.append(List.of(row("lost-1"), row("lost-2"))));
        spool.append(List.of(row("r2")));

        LedgerSpool.Batch batch = spool.takeForReplay();
        assertEquals(List.of(row("r1"), row("r2")), batch.rows());
        assertEquals(0, batch.skippedLines());
    }

    @Test
    void anInterruptedAppendDoesNotStopTheSpool() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of(row("r1")));

        Thread.currentThread().interrupt(); // an interrupted write closes the file channel
        try {
            assertThrows(IOException.class, () -> spool.append(List.of(row("maybe"))));
        } finally {
            Thread.interrupted();
        }
        spool.append(List.of(row("r2")));

        List<String> replayed = spool.takeForReplay().rows();
        assertEquals(List.of(row("r1"), row("r2")), replayed.stream().filter(r -> !r.equals(row("maybe"))).toList());
    }

    // ---- damaged files ----

    @Test
    void aTornLastLineIsSkippedAndCountedWhileEarlierRowsSurvive() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of(row("r1"), row("r2")));
        String torn = line(row("r3"));
        Files.writeString(onlyFile(".spool"), torn.substring(0, torn.length() - 4), StandardOpenOption.APPEND);

        LedgerSpool.Batch batch = spool.takeForReplay();

        assertEquals(List.of(row("r1"), row("r2")), batch.rows());
        assertEquals(1, batch.skippedLines());
    }

    @Test
    void aLineWithAWrongCrcIsSkippedAndCounted() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of(row("r1"), row("r2"), row("r3")));
        Path file = onlyFile(".spool");
        String content = Files.readString(file);
        Files.writeString(file, content.replace("\"r2\"", "\"r9\"")); // one flipped byte, CRC kept

        LedgerSpool.Batch batch = spool.takeForReplay();

        assertEquals(List.of(row("r1"), row("r3")), batch.rows());
        assertEquals(1, batch.skippedLines());
    }

    @Test
    void malformedLinesAreSkippedAndCounted() throws IOException {
        String good = line(row("ok"));
        String crc = good.substring(0, 8);
        Files.writeString(dir.resolve("old.1.replay"), String.join("\n",
                crc + row("ok"), // no space
                crc.substring(1) + " " + row("ok"), // 7 hex digits
                "xyzxyzxy " + row("ok"), // not hex
                "", // empty line
                crc + " ", // no json
                crc + "  " + row("ok"), // json with a leading space: CRC mismatch
                good.strip()) + "\n");

        LedgerSpool.Batch batch = new LedgerSpool(dir, "pod-a").takeForReplay();

        assertEquals(List.of(row("ok")), batch.rows());
        assertEquals(6, batch.skippedLines());
    }

    // ---- hand-over between appends and replay ----

    @Test
    void appendsAfterTakeGoToANewFileThatCommitKeeps() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of(row("r1")));
        LedgerSpool.Batch first = spool.takeForReplay();
        spool.append(List.of(row("r2")));

        assertEquals(List.of(row("r1")), first.rows());
        Path active = onlyFile(".spool");
        assertFalse(first.files().contains(active));

        spool.commit(first);
        assertTrue(Files.exists(active));
        first.files().forEach(f -> assertFalse(Files.exists(f), f.toString()));
        LedgerSpool.Batch second = spool.takeForReplay();
        assertEquals(List.of(row("r2")), second.rows());
        spool.commit(second);
        assertEquals(List.of(), spool.takeForReplay().rows());
    }

    @Test
    void abortKeepsTheRowsForTheNextTake() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of(row("r1"), row("r2")));
        LedgerSpool.Batch first = spool.takeForReplay();
        spool.abort(first);
        spool.append(List.of(row("r3")));

        LedgerSpool.Batch second = spool.takeForReplay();

        assertEquals(List.of(row("r1"), row("r2"), row("r3")), second.rows());
        assertTrue(second.files().containsAll(first.files()));
        first.files().forEach(f -> assertTrue(Files.exists(f), f.toString()));
    }

    @Test
    void aReplayFileLeftByACrashIsTakenAgain() throws IOException {
        Files.writeString(dir.resolve("pod-a.1700000000000-1.replay"), line(row("r1")) + line(row("r2")));

        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        assertTrue(spool.hasPending());
        LedgerSpool.Batch batch = spool.takeForReplay();

        assertEquals(List.of(row("r1"), row("r2")), batch.rows());
        spool.commit(batch);
        assertFalse(spool.hasPending());
    }

    @Test
    void filesOfOtherInstancesAreReplayedOldestFirst() throws IOException {
        Path olderReplay = dir.resolve("pod-b.1.replay");
        Path orphanActive = dir.resolve("pod-c.2.spool"); // its writer is gone: nobody holds its lock
        Files.writeString(olderReplay, line(row("b1")));
        Files.writeString(orphanActive, line(row("c1")) + line(row("c2")));
        Files.setLastModifiedTime(olderReplay, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(orphanActive, FileTime.fromMillis(2_000_000));
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        spool.append(List.of(row("a1")));

        LedgerSpool.Batch batch = spool.takeForReplay();

        assertEquals(List.of(row("b1"), row("c1"), row("c2"), row("a1")), batch.rows());
        assertFalse(Files.exists(orphanActive));
        spool.commit(batch);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void theActiveFileOfALiveInstanceIsLeftToIt() throws IOException {
        LedgerSpool a = new LedgerSpool(dir, "pod-a");
        LedgerSpool b = new LedgerSpool(dir, "pod-b");
        b.append(List.of(row("b1")));

        LedgerSpool.Batch byA = a.takeForReplay();
        b.append(List.of(row("b2")));

        assertEquals(List.of(), byA.rows());
        a.commit(byA);
        assertEquals(List.of(row("b1"), row("b2")), b.takeForReplay().rows());
    }

    @Test
    void aCrashedProcessIsReplayedAfterwardsButNotWhileItLives() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                dir.toString(), "pod-old", "100").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            assertEquals("appended", out.readLine());
            LedgerSpool spool = new LedgerSpool(dir, "pod-new");
            assertTrue(spool.hasPending());
            assertEquals(100, spool.pendingRows());
            assertEquals(List.of(), spool.takeForReplay().rows(), "the live writer keeps its file");

            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown of any kind

            LedgerSpool.Batch batch = spool.takeForReplay();
            assertEquals(rows("old", 100), batch.rows());
            spool.commit(batch);
            assertFalse(spool.hasPending());
        } finally {
            child.destroyForcibly();
        }
    }

    /** A writer in a process of its own: appends rows, says so, then waits to be killed. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            LedgerSpool spool = new LedgerSpool(Path.of(args[0]), args[1]);
            List<String> all = rows("old", Integer.parseInt(args[2]));
            for (int i = 0; i < all.size(); i += 10) {
                spool.append(all.subList(i, Math.min(all.size(), i + 10)));
            }
            System.out.println("appended");
            System.out.flush();
            System.in.read(); // returns when the test's end of the pipe closes
        }
    }

    // ---- state and validation ----

    @Test
    void hasPendingAndPendingRowsFollowTheState() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        assertFalse(spool.hasPending());
        assertEquals(0, spool.pendingRows());

        spool.append(rows("a", 3));
        assertTrue(spool.hasPending());
        assertEquals(3, spool.pendingRows());

        LedgerSpool.Batch batch = spool.takeForReplay();
        spool.append(rows("b", 2));
        assertEquals(5, spool.pendingRows(), "taken but not committed is still pending");
        Files.writeString(dir.resolve("pod-z.1.spool"), line(row("z1")));
        assertEquals(6, spool.pendingRows());
        Files.writeString(dir.resolve("pod-z.1.spool"), line(row("z2")), StandardOpenOption.APPEND);
        assertEquals(7, spool.pendingRows(), "a grown file is counted on");

        spool.commit(batch);
        assertEquals(4, spool.pendingRows());
        spool.commit(spool.takeForReplay());
        assertFalse(spool.hasPending());
        assertEquals(0, spool.pendingRows());
    }

    @Test
    void rejectsRowsThatCannotBeOneLine() throws IOException {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");

        assertThrows(IllegalArgumentException.class, () -> spool.append(List.of(row("ok"), "{\"a\":\n1}")));
        assertThrows(IllegalArgumentException.class, () -> spool.append(List.of("")));
        assertThrows(IllegalArgumentException.class, () -> spool.append(List.of("{\"a\":\"\ud800\"}")));
        assertThrows(IllegalArgumentException.class, () -> new LedgerSpool(dir, "../escape"));

        assertFalse(spool.hasPending(), "nothing of a rejected call is written");
    }

    // ---- concurrency ----

    @Test
    void concurrentAppendsAreAllThereExactlyOnce() throws Exception {
        AtomicInteger forces = new AtomicInteger();
        LedgerSpool spool = new LedgerSpool(dir, "pod-a", c -> new Probe(c, forces));
        int calls = runWriters(spool, 8, 500, new AtomicBoolean());

        LedgerSpool.Batch batch = spool.takeForReplay();

        assertExactlyOnceInOrder(batch.rows(), 8, 500);
        assertEquals(calls, forces.get(), "one force per call");
        assertEquals(0, batch.skippedLines());
    }

    @Test
    void appendsConcurrentWithReplaysLoseNothing() throws Exception {
        LedgerSpool spool = new LedgerSpool(dir, "pod-a");
        AtomicBoolean done = new AtomicBoolean();
        List<String> replayed = Collections.synchronizedList(new ArrayList<>());
        Thread replayer = new Thread(() -> {
            try {
                while (!done.get()) {
                    LedgerSpool.Batch batch = spool.takeForReplay();
                    if (ThreadLocalRandom.current().nextInt(4) == 0) {
                        spool.abort(batch);
                    } else {
                        replayed.addAll(batch.rows());
                        spool.commit(batch);
                    }
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        replayer.start();
        runWriters(spool, 8, 500, done);
        replayer.join();
        replayed.addAll(spool.takeForReplay().rows());

        assertExactlyOnceInOrder(replayed, 8, 500);
    }

    /** Writers append rows "t<thread>-<n>" in calls of 1 to 5 rows; returns the number of calls. */
    private static int runWriters(LedgerSpool spool, int threads, int rowsEach, AtomicBoolean done)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> all = rows(prefix, rowsEach);
                    int calls = 0;
                    for (int i = 0; i < all.size(); calls++) {
                        int n = Math.min(all.size() - i, 1 + ThreadLocalRandom.current().nextInt(5));
                        spool.append(all.subList(i, i + n));
                        i += n;
                    }
                    return calls;
                }));
            }
            start.countDown();
            int calls = 0;
            for (Future<Integer> result : results) {
                calls += result.get(60, TimeUnit.SECONDS);
            }
            return calls;
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    private static void assertExactlyOnceInOrder(List<String> rows, int threads, int rowsEach) {
        assertEquals(threads * rowsEach, rows.size());
        assertEquals(threads * rowsEach, Set.copyOf(rows).size(), "no row twice");
        Map<String, List<String>> byThread = new HashMap<>();
        for (String r : rows) {
            String id = r.substring(r.indexOf(':') + 2, r.length() - 2);
            byThread.computeIfAbsent(id.substring(0, id.indexOf('-')), k -> new ArrayList<>()).add(r);
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(rows("t" + t, rowsEach), byThread.get("t" + t), "rows of one writer in append order");
        }
    }

    // ---- helpers ----

    private static String row(String requestId) {
        return "{\"requestId\":\"" + requestId + "\"}";
    }

    private static List<String> rows(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> row(prefix + "-" + i)).collect(Collectors.toList());
    }

    /** A line as the spool writes it, with the CRC computed here. */
    private static String line(String json) {
        CRC32 crc = new CRC32();
        crc.update(json.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue()) + " " + json + "\n";
    }

    private Path onlyFile(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> matching = files.filter(p -> p.toString().endsWith(suffix)).toList();
            assertEquals(1, matching.size(), matching.toString());
            return matching.get(0);
        }
    }

    /** Delegates to the real channel; counts forces and can tear the next write halfway. */
    static class Probe extends FileChannel {
        private final FileChannel real;
        private final AtomicInteger forces;
        volatile boolean tearNextWrite;

        Probe(FileChannel real, AtomicInteger forces) {
            this.real = real;
            this.forces = forces;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (tearNextWrite) {
                tearNextWrite = false;
                real.write(src.slice(src.position(), src.remaining() / 2), position);
                throw new IOException("No space left on device");
            }
            return real.write(src, position);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forces.incrementAndGet();
            real.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return real.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return real.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
