package dev.tokenledger.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import dev.tokenledger.testing.PackagedGateway.Replica;

/**
 * The packaged-gateway replicas one integration test runs side by side: started together, each on a ledger spool of
 * its own, ready together, and killed together after the test.
 */
public final class Replicas implements Iterable<Replica> {

    /** Starts one replica on the ledger spool folder it is given (without waiting for it). */
    @FunctionalInterface
    public interface Launcher {
        Replica launch(Path spool) throws IOException;
    }

    private final List<Replica> replicas = new ArrayList<>();

    /**
     * Starts {@code count} replicas through {@code launcher}, then waits until every one is ready. A replica started
     * before one fails to start or get ready is still {@link #kill() killed}.
     */
    public void start(int count, Launcher launcher) throws IOException, InterruptedException {
        Path spools = Files.createTempDirectory("spool");
        for (int i = 0; i < count; i++) {
            replicas.add(launcher.launch(spools.resolve("r" + i)));
        }
        for (Replica replica : replicas) {
            replica.awaitReady();
        }
    }

    /** Replica {@code index}, in the order they were started. */
    public Replica get(int index) {
        return replicas.get(index);
    }

    /** The API port of replica {@code index}. */
    public int port(int index) {
        return replicas.get(index).port();
    }

    /** The API ports of all replicas, in the order they were started. */
    public List<Integer> ports() {
        return replicas.stream().map(Replica::port).toList();
    }

    @Override
    public Iterator<Replica> iterator() {
        return replicas.iterator();
    }

    /** Kills every replica started (no drain). */
    public void kill() throws InterruptedException {
        for (Replica replica : replicas) {
            replica.kill();
        }
    }
}
