package dev.tokenledger.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.tokenledger.testing.Golden;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Gemini API upstream ({@code gemini} type): answers in {@code GenerateContentResponse}s, streams as SSE with CRLF
 * framing, function calls without ids, usage where the prompt count includes the cached tokens.
 */
class GeminiUpstream implements UpstreamSide {

    static final String KEY = "sc-gemini-upstream-key";

    @Override
    public String type() {
        return "gemini";
    }

    String prefix() {
        return "/sc-gemini/v1beta";
    }

    @Override
    public Map<String, String> providerConfig(String wireMockBaseUrl) {
        return Map.of("base-url", wireMockBaseUrl + prefix(), "api-key", KEY);
    }

    @Override
    public boolean hasToolCallIds() {
        return false;
    }

    String path(ScenarioCase c) {
        return prefix() + "/models/" + upstreamModel()
                + (c.streamed() ? ":streamGenerateContent?alt=sse" : ":generateContent");
    }

    @Override
    public MappingBuilder stub(ScenarioCase c) {
        if (c == ScenarioCase.UPSTREAM_ERROR) {
            return post(urlEqualTo(path(c))).willReturn(aResponse().withStatus(429)
                    .withHeader("Content-Type", "application/json").withBody("{\"error\":{\"code\":429,\"message\":\""
                            + Script.ERROR_MESSAGE + "\",\"status\":\"RESOURCE_EXHAUSTED\"}}"));
        }
        if (!c.streamed()) {
            return post(urlEqualTo(path(c))).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(Golden.write(chunk(c, parts(c), true))));
        }
        StringBuilder stream = new StringBuilder();
        if (c.toolAnswer()) {
            stream.append(event(chunk(c, parts(c), true)));
        } else {
            String answer = Script.answer(c);
            int cut = answer.length() / 2;
            stream.append(event(chunk(c, text(answer.substring(0, cut)), false)));
            stream.append(event(chunk(c, text(answer.substring(cut)), true)));
        }
        return post(urlEqualTo(path(c))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(stream.toString()));
    }

    private static String event(ObjectNode chunk) {
        return "data: " + chunk + "\r\n\r\n";
    }

    private static ArrayNode text(String text) {
        ArrayNode parts = Golden.MAPPER.createArrayNode();
        parts.addObject().put("text", text);
        return parts;
    }

    private static ArrayNode parts(ScenarioCase c) {
        if (!c.toolAnswer()) {
            return text(Script.answer(c));
        }
        ArrayNode parts = Golden.MAPPER.createArrayNode();
        for (Script.Call call : Script.calls(c)) {
            parts.addObject().putObject("functionCall").put("name", call.name())
                    .set("args", Golden.tree(OpenAiChatClient.bytes(call.arguments())));
        }
        return parts;
    }

    /** One response (or stream chunk); the last carries the finish reason and the final usage. */
    private ObjectNode chunk(ScenarioCase c, ArrayNode parts, boolean last) {
        ObjectNode root = Golden.MAPPER.createObjectNode();
        ObjectNode candidate = root.putArray("candidates").addObject();
        candidate.putObject("content").put("role", "model").set("parts", parts);
        if (last) {
            candidate.put("finishReason", "STOP");
        }
        candidate.put("index", 0);
        ObjectNode usage = root.putObject("usageMetadata").put("promptTokenCount", Script.PROMPT_TOKENS)
                .put("candidatesTokenCount", last ? Script.COMPLETION_TOKENS : 5)
                .put("totalTokenCount", Script.PROMPT_TOKENS + (last ? Script.COMPLETION_TOKENS : 5));
        if (Script.cachedTokens(c) > 0) {
            usage.put("cachedContentTokenCount", Script.cachedTokens(c));
        }
        root.put("modelVersion", upstreamModel()).put("responseId", "sc-gemini-0001");
        return root;
    }

    @Override
    public void assertOutbound(ScenarioCase c, LoggedRequest request) {
        assertEquals(path(c), request.getUrl());
        assertEquals(KEY, request.getHeader("x-goog-api-key"));
        JsonNode body = Golden.tree(request.getBody());
        assertFalse(body.has("model"), "the model is in the URL");
        assertEquals(Script.transcript(c), transcript(body));
        if (c.toolRequest()) {
            List<String> names = new ArrayList<>();
            for (JsonNode tool : body.path("tools")) {
                for (JsonNode fn : tool.path("functionDeclarations")) {
                    names.add(fn.path("name").asText());
                    JsonNode schema = fn.has("parametersJsonSchema") ? fn.get("parametersJsonSchema") : fn.get("parameters");
                    assertEquals("object", schema.path("type").asText().toLowerCase(java.util.Locale.ROOT));
                }
            }
            assertEquals(Script.tools(c).stream().map(Script.Tool::name).toList(), names);
        } else {
            assertFalse(body.has("tools"));
        }
        JsonNode mime = body.path("generationConfig").get("responseMimeType");
        if (c == ScenarioCase.JSON_MODE) {
            assertEquals("application/json", mime.asText());
        } else {
            assertNull(mime);
        }
    }

    /** The Gemini body as {@link Script#transcript} lines; checks each function response names an earlier call. */
    static List<String> transcript(JsonNode body) {
        List<String> lines = new ArrayList<>();
        StringBuilder system = new StringBuilder();
        body.path("systemInstruction").path("parts").forEach(p -> system.append(p.path("text").asText()));
        if (!system.isEmpty()) {
            lines.add("system: " + system);
        }
        List<String> called = new ArrayList<>();
        for (JsonNode turn : body.path("contents")) {
            boolean model = turn.path("role").asText().equals("model");
            StringBuilder line = new StringBuilder(model ? "assistant: " : "user: ");
            String image = "";
            for (JsonNode part : turn.path("parts")) {
                if (part.has("text") && !part.path("thought").asBoolean(false)) {
                    line.append(part.get("text").asText());
                } else if (part.has("inlineData")) {
                    image = " [image " + part.at("/inlineData/mimeType").asText() + " " + part.at("/inlineData/data")
                            .asText() + "]";
                } else if (part.has("functionCall")) {
                    called.add(part.at("/functionCall/name").asText());
                    line.append("[call ").append(part.at("/functionCall/name").asText()).append(' ')
                            .append(part.at("/functionCall/args").toString()).append(']');
                } else if (part.has("functionResponse")) {
                    assertTrue(called.contains(part.at("/functionResponse/name").asText()),
                            "a function response names an earlier call: " + body);
                    line = new StringBuilder("tool: ").append(part.at("/functionResponse/response").toString());
                }
            }
            lines.add(line + image);
        }
        return lines;
    }
}
