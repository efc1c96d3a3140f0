package dev.tokenledger.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL database and Redis database index the tests use, on the servers {@link TestServices} chose (the
 * local ones as on CI, else embedded ones). The databases default to what CI uses ({@code test} and 0);
 * {@code TOKENLEDGER_TEST_DB} and {@code TOKENLEDGER_TEST_REDIS_DB} let two test runs on one machine stay apart, since
 * every Quarkus test start cleans its database.
 */
public final class TestDb {

    public static final String NAME = env("TOKENLEDGER_TEST_DB", "test");
    public static final String REDIS_DB = env("TOKENLEDGER_TEST_REDIS_DB", "0");
    public static final int PG_PORT = port(TestServices.PG_PORT);
    public static final int REDIS_PORT = port(TestServices.REDIS_PORT);
    public static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/" + NAME;
    public static final String REACTIVE_URL = "postgresql://127.0.0.1:" + PG_PORT + "/" + NAME;
    public static final String REDIS_URL = "redis://127.0.0.1:" + REDIS_PORT + "/" + REDIS_DB;

    private TestDb() {
    }

    /**
     * Runs a command straight on the test Redis database (past any proxy in front of it) and answers its output as
     * {@code redis-cli} prints it when not on a terminal: one line per value, nothing for nil. {@code --scan
     * --pattern P} lists the matching keys. Fails if Redis answers an error.
     */
    public static String redisCli(String... args) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", REDIS_PORT)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            call(out, in, List.of("SELECT", REDIS_DB));
            if (args.length == 3 && args[0].equals("--scan") && args[1].equals("--pattern")) {
                return scan(out, in, args[2]);
            }
            StringBuilder printed = new StringBuilder();
            print(call(out, in, List.of(args)), printed);
            return printed.toString();
        }
    }

    /**
     * Subscribes to a channel on the test Redis server: {@link Subscription#next} answers what is published on it from
     * now on.
     */
    public static Subscription subscribe(String channel) throws IOException {
        Socket socket = new Socket("127.0.0.1", REDIS_PORT);
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            call(socket.getOutputStream(), in, List.of("SUBSCRIBE", channel));
            return new Subscription(socket, in);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A subscription to one Redis channel. */
    public static final class Subscription implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        private Subscription(Socket socket, InputStream in) {
            this.socket = socket;
            this.in = in;
        }

        /** The next message published on the channel, or null if none comes within the timeout. */
        public String next(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                return (String) ((List<?>) read(in)).get(2); // ["message", channel, payload]
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String scan(OutputStream out, InputStream in, String pattern) throws IOException {
        StringBuilder printed = new StringBuilder();
        String cursor = "0";
        do {
            List<?> page = (List<?>) call(out, in, List.of("SCAN", cursor, "MATCH", pattern, "COUNT", "1000"));
            cursor = (String) page.get(0);
            print(page.get(1), printed);
        } while (!cursor.equals("0"));
        return printed.toString();
    }

    private static Object call(OutputStream out, InputStream in, List<String> command) throws IOException {
        StringBuilder request = new StringBuilder("*" + command.size() + "\r\n");
        for (String arg : command) {
            request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                    .append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read(in);
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+', ':' :
                return line;
            case '-' :
                throw new IllegalStateException("Redis answered an error: " + line);
            case '$' : {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*' : {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default :
                throw new IOException("unexpected Redis reply type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }

    private static void print(Object reply, StringBuilder printed) {
        if (reply instanceof List<?> items) {
            items.forEach(item -> print(item, printed));
        } else {
            printed.append(reply == null ? "" : reply).append('\n');
        }
    }

    private static int port(String property) {
        TestServices.resolve();
        return Integer.parseInt(System.getProperty(property));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
