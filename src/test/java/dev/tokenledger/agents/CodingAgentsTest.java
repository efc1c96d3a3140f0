package dev.tokenledger.agents;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.NodeSdk;
import dev.tokenledger.testing.Processes;
import dev.tokenledger.testing.TestDb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coding agents, unmodified and with their default settings, through the gateway: Codex CLI, Claude Code and
 * Gemini CLI (pinned in {@code src/test/agents/package.json}) each run non-interactively in a scratch folder with a
 * virtual key, telemetry, update checks and every host but the gateway's loopback address off, on a prompt that needs
 * one tool call, once against a provider of its own format and once against a provider of another format
 * ({@link AgentUpstream}). Each run must exit 0, the tool's effect must be there, and the ledger must hold one priced
 * row per upstream call, with the agent's key.
 */
@QuarkusTest
@TestProfile(CodingAgentsTest.Agents.class)
class CodingAgentsTest {

    static final String OPENAI_NON_REASONING = "gpt-4.1";
    static final String CLAUDE = "claude-sonnet-4-5-20250929";

    /** The gateway with {@link AgentUpstream}'s providers beside the global test resources. */
    public static class Agents implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AgentUpstream.class));
        }
    }

    private static Path agents;

    @TestHTTPResource("/")
    URL gateway;

    @BeforeAll
    static void install() {
        agents = NodeSdk.install("src/test/agents", "the coding agent tests").resolve("node_modules");
    }

    @BeforeEach
    void price() {
        for (String provider : List.of("agents-openai", "agents-anthropic", "agents-gemini")) {
            GatewayCalls.price(provider, "*", "coding agent tests");
        }
    }

    // --- Codex CLI ---

    /** With its default model on an OpenAI Responses upstream, then with a model on an Anthropic upstream. */
    @ParameterizedTest(name = "model {0} through a {1} upstream")
    @CsvSource({",responses", "agents-on-anthropic,messages"})
    void codexPatchesAFile(String model, String upstreamFormat) throws Exception {
        Path work = scratch();
        Files.writeString(work.resolve("notes.txt"), "status: draft\n");
        String patch = "*** Begin Patch\n*** Update File: notes.txt\n@@\n-status: draft\n+status: final\n*** End Patch\n";
        // the patch tool itself, a script of the default model's code mode calling it, or a shell command running it
        String script = "const result = await tools.apply_patch(" + JsonNodeFactory.instance.textNode(patch) + ");\n"
                + "text(result);\n";
        String heredoc = "apply_patch <<'EOF'\n" + patch + "EOF\n";
        AgentUpstream.running().plan(new AgentUpstream.Plan(
                new AgentUpstream.Tool("apply_patch", schema -> fill(schema, null, patch), patch),
                new AgentUpstream.Tool("exec", schema -> fill(schema, null, script), script),
                new AgentUpstream.Tool("exec_command", schema -> JsonNodeFactory.instance.objectNode().put("cmd",
                        heredoc), heredoc),
                new AgentUpstream.Tool("shell", schema -> {
                    ObjectNode arguments = JsonNodeFactory.instance.objectNode();
                    arguments.putArray("command").add("apply_patch").add(patch);
                    return arguments;
                }, null)));
        Path home = Files.createDirectories(work.resolveSibling(work.getFileName() + "-codex"));
        Files.writeString(home.resolve("config.toml"), """
                model_provider = "tokenledger"
                check_for_update_on_startup = false

                [model_providers.tokenledger]
                name = "TokenLedger"
                base_url = "%s/v1"
                env_key = "TOKENLEDGER_API_KEY"
                wire_api = "responses"

                [analytics]
                enabled = false

                [feedback]
                enabled = false
                """.formatted(base()));
        String[] key = GatewayCalls.virtualKey(null);
        List<String> command = new ArrayList<>(
                List.of(binary("@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"),
                        "exec", "--skip-git-repo-check", "--sandbox", "workspace-write"));
        if (model != null) {
            command.addAll(List.of("--model", model));
        }
        command.add("In notes.txt, change the status from draft to final.");
        Map<String, String> env = isolated(work, home);
        env.put("CODEX_HOME", home.toString());
        env.put("TOKENLEDGER_API_KEY", key[1]);
        String out = run(command, work, env);

        assertEquals("status: final\n", Files.readString(work.resolve("notes.txt")), "the patch applied:\n" + out);
        assertUpstream(upstreamFormat, out);
        assertLedger(key[0], out);
    }

    // --- Claude Code ---

    /** With its default model on an Anthropic upstream, then with a model on an OpenAI Chat Completions upstream. */
    @ParameterizedTest(name = "model {0} through a {1} upstream")
    @CsvSource({",messages", "agents-on-openai,chat"})
    void claudeCodeReadsAFile(String model, String upstreamFormat) throws Exception {
        Path work = scratch();
        String word = plantCodeWord(work, "kumquat-", "Read");
        String[] key = GatewayCalls.virtualKey(null);
        Map<String, String> env = isolated(work, work.resolveSibling(work.getFileName() + "-claude"));
        env.put("CLAUDE_CONFIG_DIR", env.get("HOME") + "/.claude");
        env.put("ANTHROPIC_BASE_URL", base());
        env.put("ANTHROPIC_API_KEY", key[1]);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        if (model != null) {
            env.put("ANTHROPIC_MODEL", model);
        }
        String out = run(List.of(binary("@anthropic-ai/claude-code-linux-x64/claude"), "-p",
                "What is the code word in notes.txt?"), work, env);

        assertCodeWordRead(word, upstreamFormat, key[0], out);
    }

    // --- Gemini CLI ---

    /** With its default model on a Gemini upstream, then with a model on an Anthropic upstream. */
    @ParameterizedTest(name = "model {0} through a {1} upstream")
    @CsvSource({",gemini", "agents-on-anthropic,messages"})
    void geminiCliReadsAFile(String model, String upstreamFormat) throws Exception {
        Path work = scratch();
        String word = plantCodeWord(work, "quince-", "read_file");
        Path home = Files.createDirectories(work.resolveSibling(work.getFileName() + "-gemini"));
        Files.createDirectories(home.resolve(".gemini"));
        Files.writeString(home.resolve(".gemini/settings.json"), """
                {"general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
                 "privacy": {"usageStatisticsEnabled": false},
                 "telemetry": {"enabled": false},
                 "security": {"auth": {"selectedType": "gemini-api-key"}}}
                """);
        String[] key = GatewayCalls.virtualKey(null);
        Map<String, String> env = isolated(work, home);
        env.put("GOOGLE_GEMINI_BASE_URL", base());
        env.put("GEMINI_API_KEY", key[1]);
        env.put("GEMINI_TELEMETRY_ENABLED", "false");
        env.put("GEMINI_CLI_TRUST_WORKSPACE", "true");
        List<String> command = new ArrayList<>(List.of("node", binary("@google/gemini-cli/bundle/gemini.js")));
        if (model != null) {
            command.addAll(List.of("--model", model));
        }
        command.addAll(List.of("--prompt", "What is the code word in notes.txt?"));
        String out = run(command, work, env);

        assertCodeWordRead(word, upstreamFormat, key[0], out);
    }

    // --- shared ---

    /**
     * Writes a fresh code word ({@code prefix} and a random suffix) into {@code notes.txt} in {@code work} and plans the
     * upstream to have the agent read that file with its tool {@code readTool}; returns the word.
     */
    private static String plantCodeWord(Path work, String prefix, String readTool) throws IOException {
        String word = prefix + UUID.randomUUID().toString().substring(0, 8);
        Path file = work.resolve("notes.txt");
        Files.writeString(file, "The code word is " + word + ".\n");
        AgentUpstream.running().plan(new AgentUpstream.Plan(
                new AgentUpstream.Tool(readTool, schema -> fill(schema, file, null), null)));
        return word;
    }

    /** The agent answered with the code word it read through a tool call to the upstream, and the ledger has the calls. */
    private static void assertCodeWordRead(String word, String upstreamFormat, String keyId, String out)
            throws Exception {
        assertTrue(out.contains(word), "the file's content came back through the tool:\n" + out);
        assertUpstream(upstreamFormat, out);
        assertLedger(keyId, out);
    }

    /** Tool arguments for a declared schema: the file's path in its path parameter, the patch in a text one. */
    private static JsonNode fill(JsonNode schema, Path file, String text) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        schema.path("properties").fieldNames().forEachRemaining(name -> {
            if (file != null && name.matches("(?i)(file_?path|absolute_path|path)")) {
                arguments.put(name, file.toString());
            } else if (text != null && name.matches("(?i)(input|patch)")) {
                arguments.put(name, text);
            }
        });
        return arguments;
    }

    private String base() {
        String url = gateway.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String binary(String relative) {
        Path path = agents.resolve(relative);
        assertTrue(Files.exists(path), path + " is not installed");
        return path.toString();
    }

    private static Path scratch() throws IOException {
        return Files.createTempDirectory(Path.of("target"), "agent-").toAbsolutePath();
    }

    /** An environment whose home and temporary folder are the run's own, with no proxy. */
    private static Map<String, String> isolated(Path work, Path home) throws IOException {
        Files.createDirectories(home);
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.put("TMPDIR", Files.createDirectories(home.resolve("tmp")).toString());
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("CI", "true");
        env.put("TERM", "dumb");
        return env;
    }

    private static String run(List<String> command, Path work, Map<String, String> env) {
        return Processes.run(command, work, env, 120);
    }

    private static void assertUpstream(String format, String out) {
        List<AgentUpstream.Call> calls = AgentUpstream.running().calls();
        assertFalse(calls.isEmpty(), "no upstream call:\n" + out);
        for (AgentUpstream.Call call : calls) {
            assertEquals(200, call.status(), "the provider refused what the gateway sent: " + call + "\n" + call.body()
                    + "\nall calls: " + calls + "\n" + out);
        }
        assertTrue(calls.stream().anyMatch(c -> c.format().equals(format)
                && (c.answered().contains("call") || c.answered().equals("tool use"))),
                "a tool call in " + format + ": " + calls + "\n" + out);
        assertTrue(calls.stream().anyMatch(c -> c.format().equals(format) && c.answered().equals("final text")),
                "the tool's result reached the " + format + " upstream: " + calls + "\n" + out);
    }

    /** One priced ledger row per upstream call, each with the agent's key. */
    private static void assertLedger(String keyId, String out) throws Exception {
        long expected = AgentUpstream.running().calls().stream().filter(c -> !c.answered().equals("count")).count();
        List<String> rows = new ArrayList<>();
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement q = db.prepareStatement("SELECT provider, upstream_model, status, cost_micros "
                        + "FROM usage_event WHERE key_id = ?::uuid ORDER BY created_at")) {
            q.setString(1, keyId);
            for (int i = 0; i < 200 && rows.size() < expected; i++) {
                rows.clear();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        assertNotNull(rs.getObject(4), "priced: " + rs.getString(1) + "/" + rs.getString(2));
                        rows.add(rs.getString(1) + "/" + rs.getString(2) + " " + rs.getString(3));
                    }
                }
                Thread.sleep(50);
            }
        }
        assertEquals(expected, rows.size(), "one ledger row per upstream call: " + rows + " for "
                + AgentUpstream.running().calls() + "\n" + out);
    }
}
