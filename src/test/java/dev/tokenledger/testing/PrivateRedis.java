package dev.tokenledger.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.tokenledger.embedded.LocalRedis;

/**
 * The {@link Upstreams} with a Redis server of the test's own (the embedded one the gateway starts for itself), so
 * that the server-wide {@code INFO commandstats} counts this gateway's commands only, whatever else runs on the
 * machine's shared Redis.
 */
public class PrivateRedis extends Upstreams {

    private static LocalRedis redis;

    /** Runs the test class on {@link PrivateRedis} alone. */
    public static class Profile extends OwnResource {
        public Profile() {
            super(PrivateRedis.class);
        }
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        try {
            redis = LocalRedis.start(Path.of("target", "private-redis", UUID.randomUUID().toString()).toAbsolutePath(),
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + redis.port() + "/0");
        // what it counts is the per-request path: every governed request checked in Redis, whatever the default
        config.put("tokenledger.admission.leases.enabled", "false");
        return config;
    }

    @Override
    public void stop() {
        super.stop();
        if (redis != null) {
            redis.close();
        }
    }

    /** Calls per command so far ({@code INFO commandstats}), commands run by scripts included. */
    public static Map<String, Long> commandStats() {
        try (Socket socket = new Socket("127.0.0.1", redis.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = line(in); // $<length>
            byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
            Map<String, Long> calls = new TreeMap<>();
            for (String row : new String(body, StandardCharsets.US_ASCII).split("\r\n")) {
                if (row.startsWith("cmdstat_")) {
                    String name = row.substring("cmdstat_".length(), row.indexOf(':'));
                    String count = row.substring(row.indexOf("calls=") + 6);
                    calls.put(name, Long.parseLong(count.substring(0, count.indexOf(','))));
                }
            }
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\r'; c = in.read()) {
            line.append((char) c);
        }
        in.read(); // \n
        return line.toString();
    }
}
