package dev.tokenledger.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.testing.Golden;

import static dev.tokenledger.scenario.OpenAiChatClient.bytes;

/** A client of the Anthropic Messages API, as the official SDKs send and read it ({@code x-api-key}). */
final class AnthropicClient implements ClientSide {

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public String authHeader() {
        return "x-api-key";
    }

    @Override
    public Request request(ScenarioCase c, String model) {
        ObjectNode root = Golden.MAPPER.createObjectNode().put("model", model).put("max_tokens", 1024);
        if (c == ScenarioCase.SYSTEM_PROMPT) {
            root.put("system", Script.SYSTEM);
        }
        ArrayNode messages = root.putArray("messages");
        if (c == ScenarioCase.MULTI_TURN) {
            messages.addObject().put("role", "user").put("content", Script.EARLIER_QUESTION);
            messages.addObject().put("role", "assistant").put("content", Script.EARLIER_ANSWER);
        }
        ArrayNode last = messages.addObject().put("role", "user").putArray("content");
        if (c.toolRequest()) {
            ((ObjectNode) messages.get(messages.size() - 1)).put("content", Script.TOOL_QUESTION);
            ObjectNode call = messages.addObject().put("role", "assistant").putArray("content").addObject()
                    .put("type", "tool_use").put("id", Script.earlierCall(c).id()).put("name", Script.earlierCall(c).name());
            call.set("input", Golden.tree(bytes(Script.earlierCall(c).arguments())));
            last = messages.addObject().put("role", "user").putArray("content");
            last.addObject().put("type", "tool_result").put("tool_use_id", Script.earlierCall(c).id())
                    .put("content", Script.earlierResult(c));
            ArrayNode tools = root.putArray("tools");
            for (Script.Tool tool : Script.tools(c)) {
                tools.addObject().put("name", tool.name()).put("description", tool.description())
                        .set("input_schema", Golden.tree(bytes(tool.schema())));
            }
        }
        if (c == ScenarioCase.IMAGE) {
            last.addObject().put("type", "text").put("text", Script.IMAGE_QUESTION);
            last.addObject().put("type", "image").putObject("source").put("type", "base64")
                    .put("media_type", Script.IMAGE_MEDIA_TYPE).put("data", Script.IMAGE_BASE64);
        } else {
            last.addObject().put("type", "text").put("text", Script.QUESTION);
        }
        if (c == ScenarioCase.JSON_MODE) {
            root.putObject("output_config").putObject("format").put("type", "json_schema").set("schema",
                    Golden.tree(bytes("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"sky\":"
                            + "{\"type\":\"string\"},\"celsius\":{\"type\":\"integer\"}},\"additionalProperties\":false}")));
        }
        if (c.streamed()) {
            root.put("stream", true);
        }
        return new Request("/v1/messages", Map.of("Content-Type", "application/json", "anthropic-version", "2023-06-01"),
                Golden.write(root));
    }

    @Override
    public Observed read(ScenarioCase c, int status, byte[] body) {
        if (status != 200) {
            return error(Golden.tree(body));
        }
        return c.streamed() ? readStream(body) : readMessage(Golden.tree(body));
    }

    /** An Anthropic error; its types are OpenAI's ({@code rate_limit_error}, ...). */
    private static Observed error(JsonNode root) {
        JsonNode error = root.path("error");
        return Observed.error(OpenAiChatClient.errorType(error.path("type").asText()), error.path("message").asText());
    }

    private static Observed readMessage(JsonNode message) {
        StringBuilder text = new StringBuilder();
        List<Script.Call> calls = new ArrayList<>();
        for (JsonNode block : message.path("content")) {
            if (block.path("type").asText().equals("text")) {
                text.append(block.path("text").asText());
            } else if (block.path("type").asText().equals("tool_use")) {
                calls.add(new Script.Call(block.path("id").asText(null), block.path("name").asText(),
                        block.path("input").toString()));
            }
        }
        return observed(text.toString(), calls, message.path("stop_reason").asText(null), message.path("usage"));
    }

    private static Observed observed(String text, List<Script.Call> calls, String stopReason, JsonNode usage) {
        long cacheRead = usage.path("cache_read_input_tokens").asLong();
        long prompt = usage.path("input_tokens").asLong() + cacheRead + usage.path("cache_creation_input_tokens").asLong();
        return new Observed(text, calls, finish(stopReason), prompt, cacheRead, usage.path("output_tokens").asLong(), null,
                null);
    }

    private static String finish(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            default -> stopReason;
        };
    }

    /** Reads the stream the way the SDK's accumulator does; usage in message_delta replaces message_start's. */
    private static Observed readStream(byte[] body) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(body, events::add);
        StringBuilder text = new StringBuilder();
        List<String[]> blocks = new ArrayList<>();
        ObjectNode usage = Golden.MAPPER.createObjectNode();
        String stopReason = null;
        boolean stopped = false;
        for (SseEvent event : events) {
            JsonNode data = Golden.tree(bytes(event.data()));
            switch (data.path("type").asText()) {
                case "error" -> {
                    return error(data);
                }
                case "message_start" -> usage.setAll((ObjectNode) data.path("message").path("usage"));
                case "content_block_start" -> {
                    JsonNode block = data.path("content_block");
                    blocks.add(new String[]{block.path("type").asText(), block.path("id").asText(null),
                            block.path("name").asText(null), ""});
                }
                case "content_block_delta" -> {
                    JsonNode delta = data.path("delta");
                    String[] block = blocks.get(data.path("index").asInt());
                    if (delta.path("type").asText().equals("text_delta")) {
                        text.append(delta.path("text").asText());
                    } else if (delta.path("type").asText().equals("input_json_delta")) {
                        block[3] += delta.path("partial_json").asText();
                    }
                }
                case "message_delta" -> {
                    stopReason = data.path("delta").path("stop_reason").asText(null);
                    usage.setAll((ObjectNode) data.path("usage"));
                }
                case "message_stop" -> stopped = true;
                default -> {
                }
            }
        }
        if (!stopped) {
            return Observed.error("truncated", "the stream ended without message_stop");
        }
        List<Script.Call> calls = blocks.stream().filter(b -> b[0].equals("tool_use"))
                .map(b -> new Script.Call(b[1], b[2], b[3].isEmpty() ? "{}" : b[3])).toList();
        return observed(text.toString(), calls, stopReason, usage);
    }
}
