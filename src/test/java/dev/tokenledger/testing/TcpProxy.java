package dev.tokenledger.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process TCP proxy from a free loopback port to a target, for cutting a dependency off without stopping it.
 * {@link #cut()} resets every open connection (both sides, RST) and, until {@link #restore()}, resets every new one
 * right after accepting it, so clients see "connection reset" at once instead of waiting on a timeout.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean cut;
    private volatile boolean stalled;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Resets all current connections and every new one until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /**
     * Stops forwarding bytes in both directions, connections kept open, until {@link #resume()}: to either side the
     * other looks frozen (as a server paused by a long command or a stop-the-world pause).
     */
    public void stall() {
        stalled = true;
    }

    /** Forwards what was held back by {@link #stall()}, and everything after it. */
    public void resume() {
        stalled = false;
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    public boolean isCut() {
        return cut;
    }

    /** Connections forwarded so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections reset on arrival while cut. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        cut = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(TcpProxy::reset);
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue; // closed: the loop ends; otherwise try again
            }
            if (cut) {
                refused.incrementAndGet();
                reset(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 2000);
            } catch (IOException e) {
                reset(client);
                reset(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            if (cut) { // cut() ran between the check above and the registration: it did not see this pair
                refused.incrementAndGet();
                forget(client, upstream);
                continue;
            }
            accepted.incrementAndGet();
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    while (stalled && !cut) {
                        Thread.sleep(2);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // reset, cut or closed by the other direction
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                forget(from, to);
            }
        }, "tcp-proxy-" + port() + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private void forget(Socket a, Socket b) {
        open.remove(a);
        open.remove(b);
        reset(a);
        reset(b);
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close with RST, not FIN: an abrupt loss, as when the server is gone
        } catch (IOException e) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
