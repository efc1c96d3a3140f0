package dev.tokenledger.api;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed and hostile bodies against every inbound endpoint: wrong types and missing fields at every path of a valid
 * request, invalid UTF-8, deep nesting, huge arrays, non-JSON, plus seeded random mutations. Every answer must be a 4xx
 * in the endpoint's own error format. The upstream refuses whatever reaches it, so a body the gateway forwards still
 * has to come back as a 4xx in the client's format.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class HostileBodiesTest {

    /** How an endpoint's errors look. */
    enum Shape {
        OPENAI, ANTHROPIC, GEMINI, OLLAMA
    }

    /** An inbound endpoint and a valid request to it. */
    record Target(String name, String path, Shape shape, String validBody) {
    }

    /** The body of both Gemini generation endpoints, streamed or not. */
    static final String GEMINI_BODY = "{\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},\"contents\":[{\"role\":"
            + "\"user\",\"parts\":[{\"text\":\"Hi\"}]}],\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\","
            + "\"parameters\":{\"type\":\"OBJECT\"}}]}],\"generationConfig\":{\"maxOutputTokens\":5,"
            + "\"temperature\":0.5}}";

    static final List<Target> TARGETS = List.of(
            new Target("openai-chat", "/v1/chat/completions", Shape.OPENAI,
                    "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}],"
                            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}],"
                            + "\"max_tokens\":5,\"temperature\":0.5,\"stream\":false}"),
            new Target("anthropic-messages", "/v1/messages", Shape.ANTHROPIC,
                    "{\"model\":\"gpt-test\",\"max_tokens\":5,\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}],\"tools\":[{\"name\":\"f\","
                            + "\"input_schema\":{\"type\":\"object\"}}],\"temperature\":0.5,\"stream\":false}"),
            new Target("anthropic-count-tokens", "/v1/messages/count_tokens", Shape.ANTHROPIC,
                    "{\"model\":\"claude-test\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}]}"),
            new Target("gemini", "/v1beta/models/gpt-test:generateContent", Shape.GEMINI,
                    GEMINI_BODY),
            new Target("gemini-stream", "/v1beta/models/gpt-test:streamGenerateContent?alt=sse", Shape.GEMINI,
                    GEMINI_BODY),
            new Target("gemini-count-tokens", "/v1beta/models/gemini-test:countTokens", Shape.GEMINI,
                    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}"),
            new Target("openai-responses", "/v1/responses", Shape.OPENAI,
                    "{\"model\":\"gpt-test\",\"instructions\":\"Be brief.\",\"input\":[{\"role\":\"user\","
                            + "\"content\":[{\"type\":\"input_text\",\"text\":\"Hi\"}]}],\"tools\":[{\"type\":"
                            + "\"function\",\"name\":\"f\",\"parameters\":{}}],\"max_output_tokens\":5,"
                            + "\"temperature\":0.5}"),
            new Target("openai-completions", "/v1/completions", Shape.OPENAI,
                    "{\"model\":\"gpt-test\",\"prompt\":\"Hi\",\"max_tokens\":5,\"temperature\":0.5}"),
            new Target("ollama-chat", "/api/chat", Shape.OLLAMA,
                    "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                            + "\"stream\":false,\"options\":{\"num_predict\":5,\"temperature\":0.5}}"));

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonNode> WRONG = List.of(NODES.nullNode(), NODES.numberNode(42), NODES.textNode("x"),
            NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode(), NODES.arrayNode().add(1).add("a"),
            NODES.objectNode().put("a", 1), NODES.numberNode(-1e300), NODES.textNode(""));

    @TestHTTPResource("/")
    URL gateway;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void upstreamRefusesEverything() {
        Upstreams.wireMock().resetAll();
        Upstreams.wireMock().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"refused by the test upstream\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":null}}")));
    }

    @TestFactory
    Stream<DynamicTest> everyHostileBodyIsA4xxInTheEndpointsFormat() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Target target : TARGETS) {
            tests.add(DynamicTest.dynamicTest(target.name(), () -> {
                List<byte[]> bodies = hostileBodies(target);
                for (byte[] body : bodies) {
                    check(target, body);
                }
            }));
        }
        return tests.stream();
    }

    static List<byte[]> hostileBodies(Target target) {
        List<byte[]> bodies = new ArrayList<>();
        for (String text : List.of("", " ", "null", "[]", "42", "\"model\"", "{", "{\"model\":", "<xml/>", "{}",
                "{\"model\":\"gpt-test\"}", "{\"messages\":[]}", "{\"model\":\"gpt-test\"}{\"model\":\"gpt-test\"}")) {
            bodies.add(utf8(text));
        }
        JsonNode valid = Golden.tree(utf8(target.validBody()));
        // every path: each wrong type, and removed
        for (String path : paths(valid, "")) {
            for (JsonNode wrong : WRONG) {
                bodies.add(Golden.write(replace(valid, path, wrong)));
            }
            bodies.add(Golden.write(replace(valid, path, null)));
        }
        // invalid UTF-8 inside a string value: a broken sequence, an overlong '/', an encoded surrogate
        String json = target.validBody();
        int at = json.indexOf("\"Hi\"") + 2;
        for (byte[] bad : List.of(new byte[]{(byte) 0xC3, 0x28}, new byte[]{(byte) 0xC0, (byte) 0xAF},
                new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[]{(byte) 0xFF})) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(utf8(json.substring(0, at)));
            out.writeBytes(bad);
            out.writeBytes(utf8(json.substring(at)));
            bodies.add(out.toByteArray());
        }
        // deep nesting in an unknown field and in a known one
        bodies.add(utf8(json.substring(0, json.length() - 1) + ",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
        bodies.add(utf8(json.substring(0, json.length() - 1) + ",\"x\":" + "{\"a\":".repeat(3000) + "1"
                + "}".repeat(3000) + "}"));
        bodies.add(utf8("[".repeat(20000)));
        // huge arrays: past the body limit, and many tiny elements under it
        bodies.add(utf8(json.substring(0, json.length() - 1) + ",\"x\":[" + "0,".repeat(40000) + "0]}"));
        bodies.add(utf8(json.substring(0, json.length() - 1) + ",\"x\":[" + "{},".repeat(15000) + "{}]}"));
        // seeded random mutations: a wrong value at a random path, several at once
        Random random = new Random(20261127L);
        List<String> paths = paths(valid, "");
        for (int i = 0; i < 60; i++) {
            JsonNode mutated = valid;
            for (int n = 0; n <= random.nextInt(3); n++) {
                String path = paths.get(random.nextInt(paths.size()));
                mutated = replace(mutated, path, random.nextInt(8) == 0 ? null : WRONG.get(random.nextInt(WRONG.size())));
            }
            bodies.add(Golden.write(mutated));
        }
        return bodies;
    }

    private void check(Target target, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + target.path())).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + OpenAiFixtures.MASTER).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        String answer = new String(response.body(), StandardCharsets.UTF_8);
        String context = target.name() + " ← " + abbreviate(new String(body, StandardCharsets.UTF_8)) + " → "
                + response.statusCode() + " " + abbreviate(answer);
        assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, context);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), context);
        assertFalse(answer.contains("Exception"), context);
        JsonNode error = Golden.tree(response.body());
        switch (target.shape()) {
            case OPENAI -> {
                assertTrue(error.path("error").path("message").isTextual(), context);
                assertTrue(error.path("error").path("type").isTextual(), context);
            }
            case ANTHROPIC -> {
                assertEquals("error", error.path("type").asText(), context);
                assertTrue(error.path("error").path("type").isTextual(), context);
                assertTrue(error.path("error").path("message").isTextual(), context);
            }
            case GEMINI -> {
                assertEquals(response.statusCode(), error.path("error").path("code").asInt(), context);
                assertTrue(error.path("error").path("message").isTextual(), context);
                assertTrue(error.path("error").path("status").isTextual(), context);
            }
            case OLLAMA -> assertTrue(error.path("error").isTextual(), context);
        }
    }

    /** Every path in a JSON tree, as {@code /a/0/b} (JSON pointer). */
    static List<String> paths(JsonNode node, String prefix) {
        List<String> paths = new ArrayList<>();
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                String field = it.next();
                paths.add(prefix + "/" + field);
                paths.addAll(paths(node.get(field), prefix + "/" + field));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                paths.add(prefix + "/" + i);
                paths.addAll(paths(node.get(i), prefix + "/" + i));
            }
        }
        return paths;
    }

    /** A copy of the tree with the value at a path replaced, or removed when {@code value} is null. */
    static JsonNode replace(JsonNode root, String path, JsonNode value) {
        JsonNode copy = root.deepCopy();
        int slash = path.lastIndexOf('/');
        JsonNode parent = copy.at(path.substring(0, slash));
        String last = path.substring(slash + 1);
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove(last);
            } else {
                object.set(last, value);
            }
        } else if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            if (value == null) {
                array.remove(index);
            } else {
                array.set(index, value);
            }
        }
        return copy;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private String base() {
        String url = gateway.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
