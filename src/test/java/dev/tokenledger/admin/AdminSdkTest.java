package dev.tokenledger.admin;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Processes;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.master;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin SDKs the build generated ({@code target/sdk/python}, {@code target/sdk/go}: {@code generate-resources}
 * writes them afresh on every build, with the READMEs and examples from {@code sdk/}) as real clients of a running
 * gateway, with the Python and Go that Debian packages: their examples create a team with a budget and a key, then read
 * the team's spend after a priced request. A changed endpoint shape breaks them here (the models read every answer; the examples print what
 * they read, compared with what the API answers). Without python3 (and its Debian modules) or go the test is skipped
 * with the reason; with {@code TOKENLEDGER_SDK_TESTS=required} (CI) a missing tool fails it instead.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AdminSdkTest {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void python() throws Exception {
        Path sdk = generated("python", "tokenledger_admin/api_client.py");
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        require(Processes.succeeds(List.of(python, "--version"), sdk), "python3 is not installed");
        require(Processes.succeeds(List.of(python, "-c",
                "import urllib3, dateutil, pydantic; assert pydantic.VERSION.startswith('1.')"), sdk),
                python + " lacks the SDK's modules (Debian: apt-get install python3-urllib3 python3-dateutil "
                        + "python3-pydantic)");
        scenario(example -> Processes.run(concat(List.of(python, "examples/" + example.get(0) + ".py"),
                example.subList(1, example.size())), sdk, env(Map.of("PYTHONPATH", sdk.toString())),
                120));
    }

    @Test
    void go() throws Exception {
        Path sdk = generated("go", "client.go");
        require(Processes.succeeds(List.of("go", "version"), sdk), "go is not installed (Debian: apt-get install "
                + "golang-go)");
        Path bin = Files.createTempDirectory("sdk-go");
        Map<String, String> goEnv = env(Map.of("GOFLAGS", "-mod=mod", "GOPROXY", "off", "GOTOOLCHAIN", "local"));
        for (String example : List.of("quickstart", "spend")) {
            Processes.run(List.of("go", "build", "-o", bin.resolve(example).toString(), "./examples/" + example), sdk,
                    goEnv, 600);
        }
        scenario(example -> Processes.run(concat(List.of(bin.resolve(example.get(0)).toString()),
                example.subList(1, example.size())), sdk, env(Map.of()), 120));
    }

    interface Example {
        String run(List<String> nameAndArgs);
    }

    /** Quick start through the SDK, one priced request with the key it made, then the spend read through the SDK. */
    void scenario(Example example) throws Exception {
        JsonNode created = last(example.run(List.of("quickstart", "sdk-" + System.nanoTime())));
        String teamId = created.path("teamId").asText();
        String keyId = created.path("keyId").asText();
        String key = created.path("key").asText();
        assertTrue(key.startsWith(created.path("keyPrefix").asText()) && key.length() > 20, created.toString());

        JsonPath keyView = master().get("/admin/v1/keys/" + keyId).then().statusCode(200).extract().jsonPath();
        assertEquals(teamId, keyView.getString("teamId"));
        assertEquals(List.of("gpt-*"), keyView.getList("models"));
        JsonPath limits = master().get("/admin/v1/limits/team/" + teamId).then().statusCode(200).extract().jsonPath();
        assertEquals("5.00", limits.getString("limits.budget.amountUsd"));
        assertEquals(60, limits.getInt("limits.rpm"));
        assertEquals("5.00", created.path("budget").path("amountUsd").asText());
        assertEquals("month", created.path("budget").path("window").asText());
        assertEquals(budget(limits, "max"), created.path("budget").path("max").asText());
        assertEquals(budget(limits, "remaining"), created.path("budget").path("remaining").asText());

        priceTestModel();
        AdminFixtures.chat(key);

        JsonNode spend = last(example.run(List.of("spend", teamId)));
        JsonPath usage = master().get("/admin/v1/usage?groupBy=team").then().statusCode(200).extract().jsonPath();
        String costUsd = usage.getString("find { it.group == '" + teamId + "' }.costUsd");
        assertNotNull(costUsd, "the request was priced");
        assertEquals(1, spend.path("requests").asInt(), spend.toString());
        assertEquals(costUsd, spend.path("costUsd").asText());
        assertTrue(spend.path("costComplete").asBoolean());
        assertEquals(usage.getLong("find { it.group == '" + teamId + "' }.inputTokens"),
                spend.path("inputTokens").asLong());
        JsonPath after = master().get("/admin/v1/limits/team/" + teamId).then().statusCode(200).extract().jsonPath();
        assertEquals(budget(after, "used"), spend.path("budgetUsed").asText());
        assertEquals(404, spend.path("missingKey").path("status").asInt(), spend.toString());
        assertEquals("not_found_error", spend.path("missingKey").path("type").asText());
    }

    static String budget(JsonPath limits, String field) {
        return limits.getString("usage.find { it.limit == 'budget' }." + field);
    }

    /** Prices the test model (at the one rate every test class of a run uses). */
    static void priceTestModel() {
        OpenAiFixtures.priceMockModel();
    }

    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.put("TOKENLEDGER_URL", gateway.toString().replaceAll("/$", ""));
        env.put("TOKENLEDGER_MASTER_KEY", OpenAiFixtures.MASTER);
        return env;
    }

    static JsonNode last(String output) {
        String text = output.strip();
        int line = text.lastIndexOf('\n');
        return Golden.tree((line < 0 ? text : text.substring(line + 1)).getBytes(StandardCharsets.UTF_8));
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The generated SDK, which a test run without {@code generate-resources} before it would not find. */
    static Path generated(String language, String generatedFile) {
        Path sdk = Path.of("target/sdk", language).toAbsolutePath();
        assertTrue(Files.isRegularFile(sdk.resolve(generatedFile)) && Files.isDirectory(sdk.resolve("examples")),
                sdk + " lacks the generated SDK or its examples: ./mvnw generate-resources writes it");
        return sdk;
    }

    static void require(boolean present, String missing) {
        if (!present && "required".equals(System.getenv("TOKENLEDGER_SDK_TESTS"))) {
            throw new AssertionError(missing + " (TOKENLEDGER_SDK_TESTS=required)");
        }
        Assumptions.assumeTrue(present, "SDK test skipped: " + missing);
    }
}
