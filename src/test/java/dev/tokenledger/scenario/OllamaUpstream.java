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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Ollama server ({@code ollama} type) through its native {@code /api/chat}: NDJSON streams, tool calls whole with
 * their arguments as objects and without ids, usage as {@code prompt_eval_count} / {@code eval_count}, no key.
 */
class OllamaUpstream implements UpstreamSide {

    private static final String CHAT = "/sc-ollama/api/chat";

    @Override
    public String type() {
        return "ollama";
    }

    @Override
    public Map<String, String> providerConfig(String wireMockBaseUrl) {
        return Map.of("base-url", wireMockBaseUrl + "/sc-ollama");
    }

    @Override
    public boolean hasToolCallIds() {
        return false;
    }

    @Override
    public boolean reportsCachedTokens() {
        return false;
    }

    @Override
    public MappingBuilder stub(ScenarioCase c) {
        if (c == ScenarioCase.UPSTREAM_ERROR) {
            return post(CHAT).willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":\"" + Script.ERROR_MESSAGE + "\"}"));
        }
        if (!c.streamed()) {
            ObjectNode answer = object(message(c));
            finish(answer);
            return post(CHAT).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(Golden.write(answer)));
        }
        List<ObjectNode> lines = new ArrayList<>();
        if (c.toolAnswer()) {
            lines.add(object(message(c)));
        } else {
            String answer = Script.answer(c);
            int cut = answer.length() / 2;
            lines.add(object(text(answer.substring(0, cut))));
            lines.add(object(text(answer.substring(cut))));
        }
        ObjectNode last = object(text(""));
        finish(last);
        lines.add(last);
        StringBuilder body = new StringBuilder();
        lines.forEach(line -> body.append(line).append('\n'));
        return post(CHAT).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-ndjson")
                .withBody(body.toString()));
    }

    private ObjectNode object(ObjectNode message) {
        ObjectNode object = Golden.MAPPER.createObjectNode().put("model", upstreamModel())
                .put("created_at", "2025-10-09T09:14:31.962811Z");
        object.set("message", message);
        return object.put("done", false);
    }

    private static ObjectNode text(String text) {
        return Golden.MAPPER.createObjectNode().put("role", "assistant").put("content", text);
    }

    private static ObjectNode message(ScenarioCase c) {
        ObjectNode message = text(Script.answer(c));
        if (c.toolAnswer()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (Script.Call call : Script.calls(c)) {
                calls.addObject().putObject("function").put("name", call.name())
                        .set("arguments", Golden.tree(call.arguments().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return message;
    }

    private static void finish(ObjectNode last) {
        last.put("done_reason", "stop").put("done", true).put("total_duration", 912004583)
                .put("prompt_eval_count", Script.PROMPT_TOKENS).put("eval_count", Script.COMPLETION_TOKENS);
    }

    @Override
    public void assertOutbound(ScenarioCase c, LoggedRequest request) {
        assertEquals(CHAT, request.getUrl());
        assertNull(request.getHeader("Authorization"), "Ollama needs no key");
        JsonNode body = Golden.tree(request.getBody());
        assertEquals(upstreamModel(), body.path("model").asText());
        assertEquals(Script.transcript(c), transcript(body.path("messages")));
        OpenAiUpstream.assertTools(c, body);
        assertEquals(c == ScenarioCase.JSON_MODE, body.has("format"), body.toString());
        assertTrue(body.path("stream").isBoolean(), "Ollama streams by default: stream is always sent");
        assertEquals(c.streamed(), body.path("stream").asBoolean());
    }

    /** The Ollama messages as {@link Script#transcript} lines; checks each tool result names a tool called before. */
    private static List<String> transcript(JsonNode messages) {
        List<String> lines = new ArrayList<>();
        List<String> called = new ArrayList<>();
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            String content = m.path("content").asText();
            StringBuilder line = new StringBuilder(role).append(": ")
                    .append(role.equals("tool") ? OpenAiUpstream.compactJson(content) : content);
            for (JsonNode image : m.path("images")) {
                assertTrue(image.asText().startsWith("iVBORw0KGgo"), "a PNG");
                line.append(" [image image/png ").append(image.asText()).append(']');
            }
            for (JsonNode call : m.path("tool_calls")) {
                JsonNode fn = call.path("function");
                assertTrue(fn.path("arguments").isObject(), "arguments are an object: " + call);
                called.add(fn.path("name").asText());
                line.append("[call ").append(fn.path("name").asText()).append(' ').append(fn.path("arguments"))
                        .append(']');
            }
            if (role.equals("tool")) {
                assertTrue(called.contains(m.path("tool_name").asText()), "a result names a tool called: " + messages);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
