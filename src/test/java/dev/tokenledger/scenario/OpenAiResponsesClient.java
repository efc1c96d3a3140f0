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

/** A client of the OpenAI Responses API ({@code POST /v1/responses}), as the official SDKs send and read it. */
final class OpenAiResponsesClient implements ClientSide {

    @Override
    public String name() {
        return "openai-responses";
    }

    @Override
    public Request request(ScenarioCase c, String model) {
        ObjectNode root = Golden.MAPPER.createObjectNode().put("model", model);
        if (c == ScenarioCase.SYSTEM_PROMPT) {
            root.put("instructions", Script.SYSTEM);
        }
        ArrayNode input = root.putArray("input");
        if (c == ScenarioCase.MULTI_TURN) {
            input.addObject().put("role", "user").put("content", Script.EARLIER_QUESTION);
            input.addObject().put("type", "message").put("role", "assistant").putArray("content").addObject()
                    .put("type", "output_text").put("text", Script.EARLIER_ANSWER).putArray("annotations");
        }
        if (c.toolRequest()) {
            input.addObject().put("role", "user").put("content", Script.TOOL_QUESTION);
            input.addObject().put("type", "function_call").put("call_id", Script.EARLIER_CALL.id())
                    .put("name", Script.EARLIER_CALL.name()).put("arguments", Script.EARLIER_CALL.arguments());
            input.addObject().put("type", "function_call_output").put("call_id", Script.EARLIER_CALL.id())
                    .put("output", Script.EARLIER_RESULT);
            ArrayNode tools = root.putArray("tools");
            for (Script.Tool tool : Script.TOOLS) {
                tools.addObject().put("type", "function").put("name", tool.name()).put("description", tool.description())
                        .set("parameters", Golden.tree(bytes(tool.schema())));
            }
        }
        if (c == ScenarioCase.IMAGE) {
            ArrayNode parts = input.addObject().put("role", "user").putArray("content");
            parts.addObject().put("type", "input_text").put("text", Script.IMAGE_QUESTION);
            parts.addObject().put("type", "input_image").put("detail", "auto").put("image_url",
                    "data:" + Script.IMAGE_MEDIA_TYPE + ";base64," + Script.IMAGE_BASE64);
        } else {
            input.addObject().put("role", "user").put("content", Script.QUESTION);
        }
        if (c == ScenarioCase.JSON_MODE) {
            root.putObject("text").putObject("format").put("type", "json_object");
        }
        if (c.streamed()) {
            root.put("stream", true);
        }
        return new Request("/v1/responses", Map.of("Content-Type", "application/json"), Golden.write(root));
    }

    @Override
    public Observed read(ScenarioCase c, int status, byte[] body) {
        if (status != 200) {
            JsonNode error = Golden.tree(body).path("error");
            return Observed.error(OpenAiChatClient.errorType(error.path("type").asText()), error.path("message").asText());
        }
        if (!c.streamed()) {
            return observed(Golden.tree(body));
        }
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(body, events::add);
        StringBuilder text = new StringBuilder();
        for (SseEvent event : events) {
            JsonNode data = Golden.tree(bytes(event.data()));
            switch (event.type()) {
                case "response.output_text.delta" -> text.append(data.path("delta").asText());
                case "response.failed" -> {
                    return Observed.error("upstream", data.at("/response/error/message").asText());
                }
                case "response.completed", "response.incomplete" -> {
                    Observed whole = observed(data.get("response"));
                    if (!whole.text().equals(text.toString())) {
                        return Observed.error("inconsistent", "deltas '" + text + "' but output '" + whole.text() + "'");
                    }
                    return whole;
                }
                default -> {
                }
            }
        }
        return Observed.error("truncated", "the stream ended without a terminal event");
    }

    /** A whole response object: the final one of a stream carries every item and the usage. */
    private static Observed observed(JsonNode response) {
        StringBuilder text = new StringBuilder();
        List<Script.Call> calls = new ArrayList<>();
        for (JsonNode item : response.path("output")) {
            if ("function_call".equals(item.path("type").asText())) {
                calls.add(new Script.Call(item.path("call_id").asText(null), item.path("name").asText(),
                        item.path("arguments").asText()));
            }
            for (JsonNode part : item.path("content")) {
                if ("output_text".equals(part.path("type").asText())) {
                    text.append(part.path("text").asText());
                }
            }
        }
        String status = response.path("status").asText();
        String finish = "incomplete".equals(status) ? "length" : calls.isEmpty() ? "stop" : "tool_calls";
        JsonNode usage = response.path("usage");
        return new Observed(text.toString(), calls, finish, usage.path("input_tokens").asLong(),
                usage.at("/input_tokens_details/cached_tokens").asLong(), usage.path("output_tokens").asLong(), null,
                null);
    }
}
