package dev.tokenledger.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs the official JavaScript SDKs (pinned in {@code src/test/node/package.json}) as real clients of the gateway.
 * Each script in {@code src/test/node/} takes a scenario name, talks to the gateway at {@code TL_BASE_URL} with the
 * key {@code TL_API_KEY}, and prints one JSON object with what the SDK returned. Dependencies are installed with
 * {@code npm ci} on first use; {@link #install(String)} does the same for another folder of npm packages the tests run
 * (the coding agents in {@code src/test/agents/}). Without Node and npm these tests skip, saying so, unless
 * {@code TOKENLEDGER_SDK_TESTS=required} (CI), where a missing tool fails them.
 */
public final class NodeSdk {

    private static final Path DIR = Path.of("src/test/node").toAbsolutePath();
    private static final Set<Path> INSTALLED = new HashSet<>();

    private NodeSdk() {
    }

    /**
     * Runs {@code node <script> <scenario>} and returns the JSON it printed.
     *
     * @param env extra environment, e.g. {@code TL_BASE_URL} and {@code TL_API_KEY}
     * @throws AssertionError when the script fails, with its output
     */
    public static JsonNode run(String script, String scenario, Map<String, String> env) {
        requireNode("the JavaScript SDK tests", script + " " + scenario);
        install(DIR);
        List<String> command = new ArrayList<>(List.of("node", DIR.resolve(script).toString(), scenario));
        String out = Processes.run(command, DIR, env, 120);
        String last = out.strip();
        int line = last.lastIndexOf('\n');
        return Golden.tree((line < 0 ? last : last.substring(line + 1)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code node <script> <scenario>} as a client of the gateway at {@code baseUrl} with the master key, asking
     * for model alias {@code model}, and returns the JSON it printed.
     */
    public static JsonNode run(String script, String scenario, String baseUrl, String model) {
        return run(script, scenario, Map.of("TL_BASE_URL", baseUrl, "TL_API_KEY", OpenAiFixtures.MASTER, "TL_MODEL",
                model));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /**
     * Installs the npm packages pinned in {@code folder} (relative to the project, with its {@code package.json} and
     * lock file) with {@code npm ci} when they are missing or older than the lock file, and answers the folder.
     * Skips the calling test when Node or npm is missing (fails it under {@code TOKENLEDGER_SDK_TESTS=required}).
     *
     * @param what what needs them, for the skip message
     */
    public static Path install(String folder, String what) {
        Path dir = Path.of(folder).toAbsolutePath();
        requireNode(what, dir.toString());
        install(dir);
        return dir;
    }

    private static void requireNode(String what, String toRun) {
        boolean present = onPath("node") && onPath("npm");
        if (!present && "required".equals(System.getenv("TOKENLEDGER_SDK_TESTS"))) {
            throw new AssertionError(what + " need Node and npm on PATH (TOKENLEDGER_SDK_TESTS=required)");
        }
        Assumptions.assumeTrue(present, "skipped: " + what + " need Node 20 and npm on PATH (none found); install "
                + "them to run " + toRun);
    }

    private static synchronized void install(Path dir) {
        if (INSTALLED.contains(dir)) {
            return;
        }
        Path lock = dir.resolve("package-lock.json");
        Path marker = dir.resolve("node_modules/.package-lock.json");
        try {
            if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) < 0) {
                Processes.run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"), dir, Map.of(), 600);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot inspect " + dir, e);
        }
        INSTALLED.add(dir);
    }
}
