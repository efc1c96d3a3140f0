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
        if (c.agentTools()) {
            agentTools(root, input);
        } else if (c.toolRequest()) {
            input.addObject().put("role", "user").put("content", Script.TOOL_QUESTION);
            input.addObject().put("type", "function_call").put("call_id", Script.earlierCall(c).id())
                    .put("name", Script.earlierCall(c).name()).put("arguments", Script.earlierCall(c).arguments());
            input.addObject().put("type", "function_call_output").put("call_id", Script.earlierCall(c).id())
                    .put("output", Script.earlierResult(c));
            ArrayNode tools = root.putArray("tools");
            for (Script.Tool tool : Script.tools(c)) {
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

    /**
     * What Codex sends: a namespace of functions, a free-form tool with a grammar, a client-executed tool search; a
     * custom tool call and its output in the history; one more tool in an {@code additional_tools} item. The
     * upstream sees them as {@link Script#tools}.
     */
    private static void agentTools(ObjectNode root, ArrayNode input) {
        List<Script.Tool> functions = Script.tools(ScenarioCase.AGENT_TOOLS);
        ArrayNode tools = root.putArray("tools");
        ObjectNode namespace = tools.addObject().put("type", "namespace").put("name", Script.NAMESPACE)
                .put("description", "File system tools");
        function(namespace.putArray("tools"), Script.NAMESPACED, functions.get(0));
        tools.addObject().put("type", "custom").put("name", Script.CUSTOM).put("description", functions.get(1).description())
                .putObject("format").put("type", "grammar").put("syntax", "lark").put("definition", Script.GRAMMAR);
        tools.addObject().put("type", "tool_search").put("execution", "client")
                .put("description", functions.get(2).description())
                .set("parameters", Golden.tree(bytes(functions.get(2).schema())));
        input.addObject().put("role", "user").put("content", Script.TOOL_QUESTION);
        Script.Call earlier = Script.earlierCall(ScenarioCase.AGENT_TOOLS);
        input.addObject().put("type", "custom_tool_call").put("call_id", earlier.id()).put("name", earlier.name())
                .put("input", Golden.tree(bytes(earlier.arguments())).path("input").asText());
        input.addObject().put("type", "custom_tool_call_output").put("call_id", earlier.id())
                .put("output", Script.earlierResult(ScenarioCase.AGENT_TOOLS));
        function(input.addObject().put("type", "additional_tools").putArray("tools"), Script.ADDITIONAL, functions.get(3));
    }

    private static void function(ArrayNode tools, String name, Script.Tool tool) {
        tools.addObject().put("type", "function").put("name", name).put("description", tool.description())
                .set("parameters", Golden.tree(bytes(tool.schema())));
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
            Script.Call call = call(item);
            if (call != null) {
                calls.add(call);
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

    /**
     * A call item as the function call the upstream made: a namespaced function by its flattened name (the item names
     * the namespace and the function apart), a custom tool call's free-form input as the argument {@code input}, a
     * client-executed tool search's arguments object as the arguments; null for other items.
     */
    private static Script.Call call(JsonNode item) {
        String callId = item.path("call_id").asText(null);
        return switch (item.path("type").asText()) {
            case "function_call" -> {
                String name = item.path("name").asText();
                String namespace = item.path("namespace").asText(null);
                // a namespaced function comes back as its own name with the namespace beside it, never flattened
                String seen = namespace != null ? namespace + "__" + name : name.contains("__") ? "flattened " + name : name;
                yield new Script.Call(callId, seen, item.path("arguments").asText());
            }
            case "custom_tool_call" -> new Script.Call(callId, item.path("name").asText(),
                    Golden.MAPPER.createObjectNode().put("input", item.path("input").asText()).toString());
            case "tool_search_call" -> "client".equals(item.path("execution").asText())
                    ? new Script.Call(callId, Script.TOOL_SEARCH, item.path("arguments").toString())
                    : null;
            default -> null;
        };
    }
}
