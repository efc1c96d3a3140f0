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
import static dev.tokenledger.scenario.OpenAiUpstream.compactJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An Anthropic Messages upstream ({@code anthropic} type). */
class AnthropicUpstream implements UpstreamSide {

    static final String KEY = "sc-anthropic-upstream-key";
    private static final String PATH = "/sc-anthropic/v1/messages";

    @Override
    public String type() {
        return "anthropic";
    }

    @Override
    public Map<String, String> providerConfig(String wireMockBaseUrl) {
        return Map.of("base-url", wireMockBaseUrl + "/sc-anthropic", "api-key", KEY);
    }

    @Override
    public MappingBuilder stub(ScenarioCase c) {
        if (c == ScenarioCase.UPSTREAM_ERROR) {
            return post(PATH).willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                    .withBody("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\""
                            + Script.ERROR_MESSAGE + "\"},\"request_id\":\"req_011sc\"}"));
        }
        if (c.streamed()) {
            return post(PATH).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                    .withBody(stream(c)));
        }
        ObjectNode message = message(c);
        ArrayNode content = message.putArray("content");
        if (c.toolAnswer()) {
            for (Script.Call call : Script.calls(c)) {
                content.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                        .set("input", Golden.tree(OpenAiChatClient.bytes(call.arguments())));
            }
        } else {
            content.addObject().put("type", "text").put("text", Script.answer(c));
        }
        message.put("stop_reason", c.toolAnswer() ? "tool_use" : "end_turn");
        message.set("usage", usage(c, Script.COMPLETION_TOKENS));
        return post(PATH).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Golden.write(message)));
    }

    private ObjectNode message(ScenarioCase c) {
        ObjectNode message = Golden.MAPPER.createObjectNode().put("id", "msg_sc0001").put("type", "message")
                .put("role", "assistant").put("model", upstreamModel());
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        return message;
    }

    /** Anthropic usage: input_tokens excludes the cache read. */
    private static ObjectNode usage(ScenarioCase c, long output) {
        return Golden.MAPPER.createObjectNode().put("input_tokens", Script.PROMPT_TOKENS - Script.cachedTokens(c))
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", Script.cachedTokens(c))
                .put("output_tokens", output);
    }

    private String stream(ScenarioCase c) {
        StringBuilder sb = new StringBuilder();
        ObjectNode start = Golden.MAPPER.createObjectNode().put("type", "message_start");
        ObjectNode message = message(c);
        message.putArray("content");
        message.set("usage", usage(c, 1));
        start.set("message", message);
        event(sb, start);
        if (c.toolAnswer()) {
            for (int i = 0; i < Script.calls(c).size(); i++) {
                Script.Call call = Script.calls(c).get(i);
                ObjectNode block = Golden.MAPPER.createObjectNode().put("type", "tool_use").put("id", call.id())
                        .put("name", call.name());
                block.putObject("input");
                blockStart(sb, i, block);
                int half = call.arguments().length() / 2;
                for (String fragment : List.of("", call.arguments().substring(0, half), call.arguments().substring(half))) {
                    delta(sb, i, Golden.MAPPER.createObjectNode().put("type", "input_json_delta").put("partial_json",
                            fragment));
                }
                event(sb, Golden.MAPPER.createObjectNode().put("type", "content_block_stop").put("index", i));
            }
        } else {
            blockStart(sb, 0, Golden.MAPPER.createObjectNode().put("type", "text").put("text", ""));
            event(sb, Golden.MAPPER.createObjectNode().put("type", "ping"));
            String answer = Script.answer(c);
            int cut = answer.length() / 2;
            for (String fragment : List.of(answer.substring(0, cut), answer.substring(cut))) {
                delta(sb, 0, Golden.MAPPER.createObjectNode().put("type", "text_delta").put("text", fragment));
            }
            event(sb, Golden.MAPPER.createObjectNode().put("type", "content_block_stop").put("index", 0));
        }
        ObjectNode end = Golden.MAPPER.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", c.toolAnswer() ? "tool_use" : "end_turn").putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", Script.COMPLETION_TOKENS);
        event(sb, end);
        event(sb, Golden.MAPPER.createObjectNode().put("type", "message_stop"));
        return sb.toString();
    }

    private static void blockStart(StringBuilder sb, int index, ObjectNode block) {
        ObjectNode start = Golden.MAPPER.createObjectNode().put("type", "content_block_start").put("index", index);
        start.set("content_block", block);
        event(sb, start);
    }

    private static void delta(StringBuilder sb, int index, ObjectNode delta) {
        ObjectNode event = Golden.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        event(sb, event);
    }

    private static void event(StringBuilder sb, ObjectNode data) {
        sb.append("event: ").append(data.path("type").asText()).append("\ndata: ").append(data).append("\n\n");
    }

    @Override
    public void assertOutbound(ScenarioCase c, LoggedRequest request) {
        assertEquals(PATH, request.getUrl());
        assertEquals(KEY, request.getHeader("x-api-key"));
        assertEquals("2023-06-01", request.getHeader("anthropic-version"));
        JsonNode body = Golden.tree(request.getBody());
        assertEquals(upstreamModel(), body.path("model").asText());
        assertTrue(body.path("max_tokens").asInt() > 0, "max_tokens is required: " + body);
        assertEquals(Script.transcript(c), transcript(body));
        if (c.toolRequest()) {
            List<String> names = new ArrayList<>();
            for (JsonNode tool : body.path("tools")) {
                names.add(tool.path("name").asText());
                assertEquals("object", tool.path("input_schema").path("type").asText());
            }
            assertEquals(Script.tools(c).stream().map(Script.Tool::name).toList(), names);
        } else {
            assertFalse(body.has("tools"));
        }
        if (c == ScenarioCase.JSON_MODE) {
            assertEquals("json_schema", body.path("output_config").path("format").path("type").asText(), body.toString());
        } else {
            assertNull(body.get("output_config"));
        }
        assertEquals(c.streamed(), body.path("stream").asBoolean(false));
    }

    /** The Anthropic system and messages as {@link Script#transcript} lines; tool results must answer earlier calls. */
    static List<String> transcript(JsonNode body) {
        List<String> lines = new ArrayList<>();
        JsonNode system = body.get("system");
        if (system != null && system.isTextual()) {
            lines.add("system: " + system.asText());
        } else if (system != null) {
            StringBuilder text = new StringBuilder();
            system.forEach(b -> text.append(b.path("text").asText()));
            lines.add("system: " + text);
        }
        List<String> callIds = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            String role = m.path("role").asText();
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                lines.add(role + ": " + content.asText());
                continue;
            }
            StringBuilder line = new StringBuilder();
            String image = "";
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text" -> line.append(block.path("text").asText());
                    case "image" -> image = " [image " + block.path("source").path("media_type").asText() + " "
                            + block.path("source").path("data").asText() + "]";
                    case "tool_use" -> {
                        callIds.add(block.path("id").asText());
                        line.append("[call ").append(block.path("name").asText()).append(' ')
                                .append(block.path("input").toString()).append(']');
                    }
                    case "tool_result" -> {
                        assertTrue(callIds.contains(block.path("tool_use_id").asText()),
                                "a tool result refers to an earlier call: " + body);
                        lines.add("tool: " + compactJson(block.path("content").isTextual()
                                ? block.path("content").asText()
                                : block.path("content").path(0).path("text").asText()));
                    }
                    default -> {
                    }
                }
            }
            if (!line.isEmpty() || !image.isEmpty()) {
                lines.add(role + ": " + line + image);
            }
        }
        return lines;
    }
}
