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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An OpenAI-compatible upstream ({@code openai} type) answering in the Chat Completions format. */
class OpenAiUpstream implements UpstreamSide {

    static final String KEY = "sc-openai-upstream-key";

    @Override
    public String type() {
        return "openai";
    }

    /** The path prefix the provider's base URL has on the suite's WireMock server. */
    String prefix() {
        return "/sc-openai/v1";
    }

    @Override
    public Map<String, String> providerConfig(String wireMockBaseUrl) {
        // the chat-completions side of the suite; a Responses client's pass-through has its own tests
        return Map.of("base-url", wireMockBaseUrl + prefix(), "api-key", KEY, "options.responses-api", "false");
    }

    String chatPath() {
        return prefix() + "/chat/completions";
    }

    @Override
    public MappingBuilder stub(ScenarioCase c) {
        if (c == ScenarioCase.UPSTREAM_ERROR) {
            return post(chatPath()).willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                    .withBody("{\"error\":{\"message\":\"" + Script.ERROR_MESSAGE
                            + "\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));
        }
        if (c.streamed()) {
            return post(chatPath()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                    .withBody(stream(c)));
        }
        return post(chatPath()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Golden.write(completion(c))));
    }

    private ObjectNode completion(ScenarioCase c) {
        ObjectNode root = Golden.MAPPER.createObjectNode().put("id", "chatcmpl-sc0001").put("object", "chat.completion")
                .put("created", 1760000000).put("model", upstreamModel());
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (c.toolAnswer()) {
            message.putNull("content");
            ArrayNode calls = message.putArray("tool_calls");
            for (Script.Call call : Script.calls(c)) {
                calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
                        .put("name", call.name()).put("arguments", call.arguments());
            }
        } else {
            message.put("content", Script.answer(c));
        }
        choice.put("finish_reason", c.toolAnswer() ? "tool_calls" : "stop");
        root.set("usage", usage(c));
        return root;
    }

    private static ObjectNode usage(ScenarioCase c) {
        ObjectNode usage = Golden.MAPPER.createObjectNode().put("prompt_tokens", Script.PROMPT_TOKENS)
                .put("completion_tokens", Script.COMPLETION_TOKENS)
                .put("total_tokens", Script.PROMPT_TOKENS + Script.COMPLETION_TOKENS);
        usage.putObject("prompt_tokens_details").put("cached_tokens", Script.cachedTokens(c));
        return usage;
    }

    private String stream(ScenarioCase c) {
        List<ObjectNode> chunks = new ArrayList<>();
        chunks.add(delta(Golden.MAPPER.createObjectNode().put("role", "assistant").put("content", "")));
        if (c.toolAnswer()) {
            for (int i = 0; i < Script.calls(c).size(); i++) {
                Script.Call call = Script.calls(c).get(i);
                ObjectNode first = Golden.MAPPER.createObjectNode();
                first.putArray("tool_calls").addObject().put("index", i).put("id", call.id()).put("type", "function")
                        .putObject("function").put("name", call.name()).put("arguments", "");
                chunks.add(delta(first));
                int half = call.arguments().length() / 2;
                for (String fragment : List.of(call.arguments().substring(0, half), call.arguments().substring(half))) {
                    ObjectNode next = Golden.MAPPER.createObjectNode();
                    next.putArray("tool_calls").addObject().put("index", i).putObject("function").put("arguments",
                            fragment);
                    chunks.add(delta(next));
                }
            }
        } else {
            String answer = Script.answer(c);
            int cut = answer.length() / 2;
            chunks.add(delta(Golden.MAPPER.createObjectNode().put("content", answer.substring(0, cut))));
            chunks.add(delta(Golden.MAPPER.createObjectNode().put("content", answer.substring(cut))));
        }
        ObjectNode finish = chunk();
        finish.putArray("choices").addObject().put("index", 0).putObject("delta");
        ((ObjectNode) finish.get("choices").get(0)).put("finish_reason", c.toolAnswer() ? "tool_calls" : "stop");
        chunks.add(finish);
        ObjectNode usage = chunk();
        usage.putArray("choices");
        usage.set("usage", usage(c));
        chunks.add(usage);
        StringBuilder sb = new StringBuilder();
        for (ObjectNode chunk : chunks) {
            sb.append("data: ").append(chunk).append("\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString();
    }

    private ObjectNode chunk() {
        return Golden.MAPPER.createObjectNode().put("id", "chatcmpl-sc0001").put("object", "chat.completion.chunk")
                .put("created", 1760000000).put("model", upstreamModel());
    }

    private ObjectNode delta(ObjectNode delta) {
        ObjectNode chunk = chunk();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("finish_reason");
        chunk.putNull("usage");
        return chunk;
    }

    @Override
    public void assertOutbound(ScenarioCase c, LoggedRequest request) {
        assertEquals(chatPath(), request.getUrl());
        assertCredentials(request);
        JsonNode body = Golden.tree(request.getBody());
        assertEquals(upstreamModel(), body.path("model").asText());
        assertEquals(Script.transcript(c), transcript(body.path("messages")));
        assertTools(c, body);
        if (c == ScenarioCase.JSON_MODE) {
            assertTrue(body.path("response_format").path("type").asText().startsWith("json"), body.toString());
        } else {
            assertNull(body.get("response_format"));
        }
        assertEquals(c.streamed(), body.path("stream").asBoolean(false));
        if (c.streamed()) {
            assertTrue(body.path("stream_options").path("include_usage").asBoolean(), "usage is asked for on streams");
        }
    }

    /** Checks the tools of a body whose tools have OpenAI's shape (OpenAI, Azure, Ollama): all of them, or none. */
    static void assertTools(ScenarioCase c, JsonNode body) {
        if (c.toolRequest()) {
            List<String> names = new ArrayList<>();
            for (JsonNode tool : body.path("tools")) {
                assertEquals("function", tool.path("type").asText());
                names.add(tool.path("function").path("name").asText());
                assertEquals("object", tool.path("function").path("parameters").path("type").asText());
            }
            assertEquals(Script.tools(c).stream().map(Script.Tool::name).toList(), names);
        } else {
            assertFalse(body.has("tools"));
        }
    }

    /** Checks how the request authenticated: the key as a bearer token. */
    void assertCredentials(LoggedRequest request) {
        assertEquals("Bearer " + KEY, request.getHeader("Authorization"));
    }

    /** The OpenAI messages as {@link Script#transcript} lines; checks each tool result refers to a call made. */
    static List<String> transcript(JsonNode messages) {
        List<String> lines = new ArrayList<>();
        List<String> callIds = new ArrayList<>();
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (role.equals("developer")) {
                role = "system";
            }
            StringBuilder line = new StringBuilder(role).append(": ");
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                line.append(role.equals("tool") ? compactJson(content.asText()) : content.asText());
            } else if (content != null && content.isArray()) {
                StringBuilder text = new StringBuilder();
                String image = "";
                for (JsonNode part : content) {
                    if (part.path("type").asText().equals("text")) {
                        text.append(part.path("text").asText());
                    } else if (part.path("type").asText().equals("image_url")) {
                        String url = part.path("image_url").path("url").asText();
                        int comma = url.indexOf(',');
                        image = " [image " + url.substring(5, url.indexOf(';')) + " " + url.substring(comma + 1) + "]";
                    }
                }
                line.append(role.equals("tool") ? compactJson(text.toString()) : text).append(image);
            }
            for (JsonNode call : m.path("tool_calls")) {
                callIds.add(call.path("id").asText());
                line.append("[call ").append(call.path("function").path("name").asText()).append(' ')
                        .append(compactJson(call.path("function").path("arguments").asText())).append(']');
            }
            if (role.equals("tool")) {
                assertTrue(callIds.contains(m.path("tool_call_id").asText()),
                        "a tool result refers to an earlier call: " + messages);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    static String compactJson(String text) {
        try {
            return Golden.MAPPER.readTree(text).toString();
        } catch (java.io.IOException e) {
            return text;
        }
    }
}
