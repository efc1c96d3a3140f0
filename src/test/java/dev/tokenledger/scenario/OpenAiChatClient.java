package dev.tokenledger.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.testing.Golden;

/** A client of the OpenAI Chat Completions API, as the official SDKs send and read it. */
final class OpenAiChatClient implements ClientSide {

    @Override
    public String name() {
        return "openai-chat";
    }

    @Override
    public Request request(ScenarioCase c, String model) {
        ObjectNode root = Golden.MAPPER.createObjectNode().put("model", model);
        ArrayNode messages = root.putArray("messages");
        if (c == ScenarioCase.SYSTEM_PROMPT) {
            messages.addObject().put("role", "system").put("content", Script.SYSTEM);
        }
        if (c == ScenarioCase.MULTI_TURN) {
            messages.addObject().put("role", "user").put("content", Script.EARLIER_QUESTION);
            messages.addObject().put("role", "assistant").put("content", Script.EARLIER_ANSWER);
        }
        if (c.toolRequest()) {
            messages.addObject().put("role", "user").put("content", Script.TOOL_QUESTION);
            ObjectNode call = messages.addObject().put("role", "assistant").putNull("content").putArray("tool_calls")
                    .addObject().put("id", Script.earlierCall(c).id()).put("type", "function");
            call.putObject("function").put("name", Script.earlierCall(c).name()).put("arguments",
                    Script.earlierCall(c).arguments());
            messages.addObject().put("role", "tool").put("tool_call_id", Script.earlierCall(c).id()).put("content",
                    Script.earlierResult(c));
            ArrayNode tools = root.putArray("tools");
            for (Script.Tool tool : Script.tools(c)) {
                tools.addObject().put("type", "function").putObject("function").put("name", tool.name())
                        .put("description", tool.description()).set("parameters", Golden.tree(bytes(tool.schema())));
            }
        }
        if (c == ScenarioCase.IMAGE) {
            ArrayNode parts = messages.addObject().put("role", "user").putArray("content");
            parts.addObject().put("type", "text").put("text", Script.IMAGE_QUESTION);
            parts.addObject().put("type", "image_url").putObject("image_url").put("url",
                    "data:" + Script.IMAGE_MEDIA_TYPE + ";base64," + Script.IMAGE_BASE64);
        } else {
            messages.addObject().put("role", "user").put("content", Script.QUESTION);
        }
        if (c == ScenarioCase.JSON_MODE) {
            root.putObject("response_format").put("type", "json_object");
        }
        if (c.streamed()) {
            root.put("stream", true);
            root.putObject("stream_options").put("include_usage", true);
        }
        return new Request("/v1/chat/completions", Map.of("Content-Type", "application/json"), Golden.write(root));
    }

    @Override
    public Observed read(ScenarioCase c, int status, byte[] body) {
        if (status != 200) {
            JsonNode error = Golden.tree(body).path("error");
            return Observed.error(errorType(error.path("type").asText()), error.path("message").asText());
        }
        return c.streamed() ? readStream(body) : readJson(Golden.tree(body));
    }

    private static Observed readJson(JsonNode root) {
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.path("message");
        List<Script.Call> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            calls.add(new Script.Call(call.path("id").asText(null), call.path("function").path("name").asText(),
                    call.path("function").path("arguments").asText()));
        }
        JsonNode usage = root.path("usage");
        return new Observed(message.path("content").asText(""), calls, choice.path("finish_reason").asText(null),
                usage.path("prompt_tokens").asLong(), usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
                usage.path("completion_tokens").asLong(), null, null);
    }

    private static Observed readStream(byte[] body) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(body, events::add);
        StringBuilder text = new StringBuilder();
        List<String[]> calls = new ArrayList<>();
        String finish = null;
        JsonNode usage = null;
        boolean done = false;
        for (SseEvent event : events) {
            if (event.data().equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonNode chunk = Golden.tree(bytes(event.data()));
            if (chunk.has("error")) {
                return Observed.error(errorType(chunk.path("error").path("type").asText()),
                        chunk.path("error").path("message").asText());
            }
            for (JsonNode choice : chunk.path("choices")) {
                text.append(choice.path("delta").path("content").asText(""));
                for (JsonNode call : choice.path("delta").path("tool_calls")) {
                    int index = call.path("index").asInt();
                    while (calls.size() <= index) {
                        calls.add(new String[]{null, "", ""});
                    }
                    String[] c = calls.get(index);
                    if (call.hasNonNull("id")) {
                        c[0] = call.get("id").asText();
                    }
                    c[1] += call.path("function").path("name").asText("");
                    c[2] += call.path("function").path("arguments").asText("");
                }
                if (choice.hasNonNull("finish_reason")) {
                    finish = choice.get("finish_reason").asText();
                }
            }
            if (chunk.path("usage").isObject()) {
                usage = chunk.get("usage");
            }
        }
        if (!done) {
            return Observed.error("truncated", "the stream ended without [DONE]");
        }
        List<Script.Call> parsed = calls.stream().map(c -> new Script.Call(c[0], c[1], c[2])).toList();
        JsonNode u = usage == null ? Golden.MAPPER.createObjectNode() : usage;
        return new Observed(text.toString(), parsed, finish, u.path("prompt_tokens").asLong(),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(), u.path("completion_tokens").asLong(),
                null, null);
    }

    static String errorType(String openAiType) {
        return switch (openAiType) {
            case "rate_limit_error" -> "rate_limit";
            case "invalid_request_error" -> "invalid_request";
            case "authentication_error" -> "authentication";
            default -> "upstream";
        };
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
