package dev.tokenledger.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.quarkus.logging.Log;

import redis.embedded.core.ExecutableProvider;

/**
 * A Redis server child process (the {@code redis-server} 6.2 binary shipped on Maven Central), in memory, on a free
 * loopback port. The gateway's admission scripts and commands run on it unchanged, so limits, holds, cooldowns and the
 * cache behave exactly as with a shared Redis, for one replica. A server left running by a process that was killed is
 * stopped (by its pid file) before the new one starts.
 */
public final class LocalRedis implements AutoCloseable {

    private static final String PID_FILE = "redis.pid";

    private final Process process;
    private final int port;
    private final FileLock lock;

    private LocalRedis(Process process, int port, FileLock lock) {
        this.process = process;
        this.port = port;
        this.lock = lock;
    }

    /**
     * Starts a server with this working directory (binary, pid file and log; no data is written).
     *
     * @param password required from clients, or {@code null} for none
     */
    public static LocalRedis start(Path directory, String password) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        FileLock lock = LocalPostgres.lock(dir.resolve("redis.lock"));
        stopLeftOver(dir);
        File binary = ExecutableProvider.newJarResourceProvider(dir.toFile()).get();
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(binary.getAbsolutePath(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--pidfile", dir.resolve(PID_FILE).toString()));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        LocalRedis redis = new LocalRedis(process, port, lock);
        redis.awaitListening();
        return redis;
    }

    /** The port the server listens on (127.0.0.1 only). */
    public int port() {
        return port;
    }

    /** The server's pid. */
    public long pid() {
        return process.pid();
    }

    /** Stops the server (nothing is saved). */
    @Override
    public void close() {
        LocalPostgres.stop(process.toHandle());
        try {
            lock.channel().close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see its log");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        close();
        throw new IOException("redis-server did not listen on port " + port + " within 30 s");
    }

    /** Stops the Redis server whose pid file is in this directory and that still runs (its owner was killed). */
    public static void stopLeftOver(Path dir) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> stale = ProcessHandle.of(pid).filter(p -> LocalPostgres.isServerOf(p, "redis-server",
                dir));
        if (stale.isPresent()) {
            Log.warnf("Stopping the Redis server (pid %d) a previous gateway left running in %s", pid, dir);
            LocalPostgres.stop(stale.get());
        }
        Files.deleteIfExists(pidFile);
    }

    /** A TCP port free on this machine at the time of the call. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
