package dev.tokenledger.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs the official JavaScript SDKs (pinned in {@code src/test/node/package.json}) as real clients of the gateway.
 * Each script in {@code src/test/node/} takes a scenario name, talks to the gateway at {@code TL_BASE_URL} with the
 * key {@code TL_API_KEY}, and prints one JSON object with what the SDK returned. Dependencies are installed with
 * {@code npm ci} on first use.
 */
public final class NodeSdk {

    private static final Path DIR = Path.of("src/test/node").toAbsolutePath();
    private static boolean installed;

    private NodeSdk() {
    }

    /**
     * Runs {@code node <script> <scenario>} and returns the JSON it printed.
     *
     * @param env extra environment, e.g. {@code TL_BASE_URL} and {@code TL_API_KEY}
     * @throws AssertionError when the script fails, with its output
     */
    public static JsonNode run(String script, String scenario, Map<String, String> env) {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "skipped: the JavaScript SDK tests need Node 20 and "
                + "npm on PATH (none found); install them to run " + script + " " + scenario);
        install();
        List<String> command = new ArrayList<>(List.of("node", DIR.resolve(script).toString(), scenario));
        String out = exec(command, env, 120);
        String last = out.strip();
        int line = last.lastIndexOf('\n');
        return Golden.tree((line < 0 ? last : last.substring(line + 1)).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        Path lock = DIR.resolve("package-lock.json");
        Path marker = DIR.resolve("node_modules/.package-lock.json");
        try {
            if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) < 0) {
                exec(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), Map.of(), 600);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot inspect " + DIR, e);
        }
        installed = true;
    }

    private static String exec(List<String> command, Map<String, String> env, int timeoutSeconds) {
        return Processes.run(command, DIR, env, timeoutSeconds);
    }
}
