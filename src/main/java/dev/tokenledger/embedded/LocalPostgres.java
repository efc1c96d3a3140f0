package dev.tokenledger.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.quarkus.logging.Log;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of this process: the real server binaries shipped on Maven Central, unpacked on first use, run
 * on a free loopback port over a data directory that survives restarts. A server left running by a process that was
 * killed is stopped before the new one starts.
 */
public final class LocalPostgres implements AutoCloseable {

    private final EmbeddedPostgres server;
    private final Path directory;

    private LocalPostgres(EmbeddedPostgres server, Path directory) {
        this.server = server;
        this.directory = directory;
    }

    /** Starts the server over this data directory, created (initdb) when it holds no cluster yet. */
    public static LocalPostgres start(Path directory) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        // the server of a gateway still running on this directory is not a left-over: fail before touching it
        // (the lock file exists once a server ran here; before, initdb needs the directory empty)
        if (Files.exists(dir.resolve("epg-lock"))) {
            lock(dir.resolve("epg-lock")).channel().close();
        }
        stopLeftOver(dir);
        EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).setPort(LocalRedis.freePort())
                .setLocaleConfig("locale", "C")
                // the ledger is money: keep PostgreSQL's durability (the library's test defaults turn it off)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log(dir)))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log(dir)))
                .setPGStartupWait(Duration.ofSeconds(120)).start();
        return new LocalPostgres(server, dir);
    }

    /**
     * Locks this file for this process, or fails when another running process holds it (the lock ends with the
     * process, however it ends).
     */
    static FileLock lock(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException(file.getParent() + " is in use by another running gateway: give this one "
                    + "another tokenledger.embedded.data-dir, or stop the other");
        }
        return lock;
    }

    /** The server's own log, beside its data directory. */
    private static File log(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".log").toFile();
    }

    /** The port the server listens on (loopback only). */
    public int port() {
        return server.getPort();
    }

    /** The data directory. */
    public Path directory() {
        return directory;
    }

    /** Stops the server (fast shutdown: open sessions are ended, committed data is kept). */
    @Override
    public void close() throws IOException {
        server.close();
    }

    /**
     * Stops the PostgreSQL server whose {@code postmaster.pid} is in this directory and that still runs: its owner was
     * killed without stopping it. It is asked to stop (its clients are gone, so a smart shutdown finishes at once).
     */
    public static void stopLeftOver(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> stale = ProcessHandle.of(pid).filter(p -> isServerOf(p, "postgres", dir));
        if (stale.isPresent()) {
            Log.warnf("Stopping the PostgreSQL server (pid %d) a previous gateway left running over %s", pid, dir);
            stop(stale.get());
        }
    }

    /**
     * Whether the process runs this executable for this directory: the binary lies in it, or its arguments name it
     * (Redis rewrites its arguments into a process title, so its binary is unpacked into its directory).
     */
    static boolean isServerOf(ProcessHandle process, String executable, Path dir) {
        ProcessHandle.Info info = process.info();
        String command = info.command().orElse("");
        boolean named = !command.isEmpty() && Path.of(command).getFileName().toString().startsWith(executable);
        boolean ours = command.startsWith(dir.toString()) || info.arguments()
                .map(args -> List.of(args).stream().anyMatch(a -> a.contains(dir.toString()))).orElse(false);
        return named && ours;
    }

    static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }
}
