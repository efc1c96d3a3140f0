package dev.tokenledger.agents;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import dev.tokenledger.testing.Golden;

/**
 * A programmable provider for the coding agents: one loopback server that speaks OpenAI (Responses and Chat
 * Completions), Anthropic Messages and Gemini, each below its own path. For the tool a test names it answers the
 * first turn with a call of that tool in the upstream's own wire format (streamed when asked) and, once the request
 * carries the tool's result, a final text that quotes the result. Requests without the tool (an agent's side calls)
 * get a short text, or a JSON object that fits the asked schema. Like the real providers it refuses, with their
 * status and error shape, what their current models refuse: {@code temperature} with {@code top_p} and sampling
 * parameters with thinking for Claude, a {@code max_tokens} above the model's limit, {@code reasoning_effort} or a
 * {@code max_completion_tokens} above the limit for a non-reasoning OpenAI model, unknown Gemini fields.
 *
 * <p>Wired into the gateway as providers {@code agents-openai}, {@code agents-anthropic} and {@code agents-gemini}.
 */
public class AgentUpstream implements QuarkusTestResourceLifecycleManager {

    /** The upstream key the gateway sends; the fake checks it. */
    static final String KEY = "sk-agents-upstream-0123456789";

    /**
     * A tool the next agent run must call and what it passes: JSON arguments built from the parameters' schema the
     * client declared, or a free-form input for a free-form ({@code custom}) tool.
     */
    record Tool(String name, Function<JsonNode, JsonNode> arguments, String freeform) {
    }

    /** The tools the next run may call, in order of preference: the first one the request declares is called. */
    record Plan(List<Tool> tools) {
        Plan(Tool... tools) {
            this(List.of(tools));
        }
    }

    /** A declared tool of the plan: the plan's entry, the declaration, and the namespace it was declared in. */
    private record Declared(Tool tool, JsonNode declaration, String namespace, String name) {
    }

    /** One request the fake served: its format, model, status, whether it carried a tool result, and the body. */
    record Call(String format, String model, int status, String answered, JsonNode body) {
        @Override
        public String toString() {
            return format + " " + model + " -> " + status + " " + answered;
        }
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> GEMINI_FIELDS = List.of("contents", "systemInstruction", "tools", "toolConfig",
            "generationConfig", "safetySettings", "cachedContent", "labels");

    private static AgentUpstream running;

    private final Vertx vertx = Vertx.vertx();
    private final List<Call> calls = new ArrayList<>();
    private HttpServer server;
    private volatile Plan plan;

    static AgentUpstream running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the agents' upstream did not start", e);
        }
        running = this;
        String base = "http://127.0.0.1:" + server.actualPort();
        Map<String, String> c = new HashMap<>();
        provider(c, "agents-openai", "openai", base + "/openai/v1");
        provider(c, "agents-anthropic", "anthropic", base + "/anthropic");
        provider(c, "agents-gemini", "gemini", base + "/gemini/v1beta");
        // each agent's own family reaches a provider of its own format under the name the agent asked for
        pattern(c, "gpt-*", "agents-openai");
        pattern(c, "claude-*", "agents-anthropic");
        pattern(c, "gemini-*", "agents-gemini");
        // the names an agent is pointed at to reach a provider of another format
        alias(c, "agents-on-openai", "agents-openai", CodingAgentsTest.OPENAI_NON_REASONING);
        alias(c, "agents-on-anthropic", "agents-anthropic", CodingAgentsTest.CLAUDE);
        return c;
    }

    private static void provider(Map<String, String> c, String id, String type, String baseUrl) {
        c.put("tokenledger.providers." + id + ".type", type);
        c.put("tokenledger.providers." + id + ".base-url", baseUrl);
        c.put("tokenledger.providers." + id + ".api-key", KEY);
        c.put("tokenledger.providers." + id + ".timeout", "60s");
    }

    private static void pattern(Map<String, String> c, String pattern, String provider) {
        c.put("tokenledger.models.\"" + pattern + "\".deployments[0].provider", provider);
    }

    private static void alias(Map<String, String> c, String alias, String provider, String model) {
        c.put("tokenledger.models." + alias + ".deployments[0].provider", provider);
        c.put("tokenledger.models." + alias + ".deployments[0].model", model);
    }

    @Override
    public void stop() {
        running = null;
        vertx.close();
    }

    /** Sets the tool the next run must call, and forgets the calls served so far. */
    synchronized void plan(Plan next) {
        plan = next;
        calls.clear();
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    private synchronized void record(Call call) {
        calls.add(call);
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(bytes -> {
            String path = req.path();
            try {
                JsonNode body = Golden.tree(bytes.getBytes());
                String auth = req.getHeader("Authorization");
                String apiKey = req.getHeader(path.startsWith("/anthropic") ? "x-api-key" : "x-goog-api-key");
                if (!("Bearer " + KEY).equals(auth) && !KEY.equals(apiKey) && !KEY.equals(req.getParam("key"))) {
                    answer(req, new Call(path, null, 401, "no upstream key", body), "{\"error\":\"no key\"}");
                } else if (path.equals("/openai/v1/responses")) {
                    responses(req, body);
                } else if (path.equals("/openai/v1/chat/completions")) {
                    chat(req, body);
                } else if (path.equals("/anthropic/v1/messages")) {
                    messages(req, body);
                } else if (path.startsWith("/gemini/v1beta/models/")) {
                    gemini(req, body, path.substring("/gemini/v1beta/models/".length()));
                } else {
                    answer(req, new Call(path, null, 404, "unknown path", body), "{\"error\":\"not found\"}");
                }
            } catch (RuntimeException e) {
                answer(req, new Call(path, null, 500, e.toString(), null), "{\"error\":\"fake upstream failed\"}");
            }
        });
    }

    private void answer(HttpServerRequest req, Call call, String json) {
        record(call);
        req.response().setStatusCode(call.status()).putHeader("Content-Type", "application/json").end(json);
    }

    // --- OpenAI Responses ---

    private void responses(HttpServerRequest req, JsonNode body) {
        String model = body.path("model").asText();
        String refusal = null;
        if (nonReasoning(model) && body.has("reasoning") && !body.get("reasoning").isNull()) {
            refusal = "Unsupported parameter: 'reasoning.effort' is not supported with this model.";
        }
        if (refusal != null) {
            openAiError(req, "responses", model, body, refusal);
            return;
        }
        String result = null;
        for (JsonNode item : body.path("input")) {
            String type = item.path("type").asText();
            if (type.equals("function_call_output") || type.equals("custom_tool_call_output")) {
                result = text(item.path("output"));
            }
        }
        Function<JsonNode, String> responsesName = t -> t.path("name").asText();
        Declared tool = result == null ? declared(responsesTools(body), responsesName) : null;
        ObjectNode item = JSON.objectNode();
        String answered;
        if (tool != null && tool.declaration().path("type").asText().equals("custom")) {
            item.put("type", "custom_tool_call").put("id", "ctc_agents1").put("status", "completed")
                    .put("call_id", "call_agents1").put("name", tool.tool().name())
                    .put("input", tool.tool().freeform());
            answered = "custom tool call";
        } else if (tool != null) {
            item.put("type", "function_call").put("id", "fc_agents1").put("status", "completed")
                    .put("call_id", "call_agents1").put("name", tool.tool().name())
                    .put("arguments", write(tool.tool().arguments().apply(tool.declaration().path("parameters"))));
            answered = "function call";
        } else {
            item.put("type", "message").put("id", "msg_agents1").put("status", "completed").put("role", "assistant")
                    .putArray("content").addObject().put("type", "output_text").put("text", finalText(result, body))
                    .putArray("annotations");
            answered = text(result, responsesTools(body), responsesName);
        }
        if (tool != null && !tool.namespace().isEmpty()) {
            item.put("namespace", tool.namespace());
        }
        ObjectNode response = JSON.objectNode().put("id", "resp_agents1").put("object", "response")
                .put("created_at", 1_765_000_000).put("status", "completed").put("model", model);
        response.putArray("output").add(item);
        response.putObject("usage").put("input_tokens", tokens(body)).put("output_tokens", 12).put("total_tokens",
                tokens(body) + 12);
        ((ObjectNode) response.get("usage")).putObject("input_tokens_details").put("cached_tokens", 0);
        ((ObjectNode) response.get("usage")).putObject("output_tokens_details").put("reasoning_tokens", 0);
        record(new Call("responses", model, 200, answered, body));
        if (!body.path("stream").asBoolean()) {
            json(req, response);
            return;
        }
        List<ObjectNode> events = new ArrayList<>();
        ObjectNode started = response.deepCopy().put("status", "in_progress");
        started.putArray("output");
        started.remove("usage");
        events.add(event("response.created").set("response", started));
        events.add(event("response.in_progress").set("response", started));
        ObjectNode added = item.deepCopy().put("status", "in_progress");
        if (added.has("content")) {
            added.putArray("content");
        }
        events.add((ObjectNode) event("response.output_item.added").put("output_index", 0).set("item", added));
        if (item.path("type").asText().equals("message")) {
            String text = item.path("content").path(0).path("text").asText();
            events.add(event("response.output_text.delta").put("item_id", "msg_agents1").put("output_index", 0)
                    .put("content_index", 0).put("delta", text));
            events.add(event("response.output_text.done").put("item_id", "msg_agents1").put("output_index", 0)
                    .put("content_index", 0).put("text", text));
        }
        events.add((ObjectNode) event("response.output_item.done").put("output_index", 0).set("item", item));
        events.add(event("response.completed").set("response", response));
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            ObjectNode e = events.get(i).put("sequence_number", i);
            sse.append("event: ").append(e.get("type").asText()).append("\ndata: ").append(write(e))
                    .append("\n\n");
        }
        stream(req, sse.toString());
    }

    /**
     * The first tool of the plan among declarations, each a (namespace, declaration) pair; a declaration named
     * {@code <namespace>__<name>} (a namespaced tool translated for another format) matches too.
     */
    private Declared declared(List<Map.Entry<String, JsonNode>> declarations, Function<JsonNode, String> name) {
        if (plan == null) {
            return null;
        }
        for (Tool tool : plan.tools()) {
            for (Map.Entry<String, JsonNode> declaration : declarations) {
                String declared = name.apply(declaration.getValue());
                if (declared.equals(tool.name()) || declared.endsWith("__" + tool.name())) {
                    return new Declared(tool, declaration.getValue(), declaration.getKey(), declared);
                }
            }
        }
        return null;
    }

    /** What a text answer says about the request's tools, for a failing test's message. */
    private static String text(String result, List<Map.Entry<String, JsonNode>> declarations,
            Function<JsonNode, String> name) {
        if (result != null) {
            return "final text";
        }
        List<String> names = new ArrayList<>();
        declarations.forEach(d -> names.add((d.getKey().isEmpty() ? "" : d.getKey() + ".") + name.apply(d.getValue())));
        return names.isEmpty() ? "text" : "text (declared: " + String.join(", ", names) + ")";
    }

    /** Responses tools: top-level, inside namespaces, and in {@code additional_tools} input items. */
    private static List<Map.Entry<String, JsonNode>> responsesTools(JsonNode body) {
        List<Map.Entry<String, JsonNode>> tools = new ArrayList<>();
        List<JsonNode> groups = new ArrayList<>(List.of(body.path("tools")));
        for (JsonNode item : body.path("input")) {
            if (item.path("type").asText().equals("additional_tools")) {
                groups.add(item.path("tools"));
            }
        }
        for (JsonNode group : groups) {
            for (JsonNode tool : group) {
                if (tool.path("type").asText().equals("namespace")) {
                    tool.path("tools").forEach(t -> tools.add(Map.entry(tool.path("name").asText(), t)));
                } else {
                    tools.add(Map.entry("", tool));
                }
            }
        }
        return tools;
    }

    private static List<Map.Entry<String, JsonNode>> plain(Iterable<JsonNode> tools) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        tools.forEach(t -> list.add(Map.entry("", t)));
        return list;
    }

    private static ObjectNode event(String type) {
        return JSON.objectNode().put("type", type);
    }

    // --- OpenAI Chat Completions ---

    private void chat(HttpServerRequest req, JsonNode body) {
        String model = body.path("model").asText();
        if (nonReasoning(model)) {
            if (body.has("reasoning_effort")) {
                openAiError(req, "chat", model, body, "Unrecognized request argument supplied: reasoning_effort");
                return;
            }
            long max = Math.max(body.path("max_completion_tokens").asLong(), body.path("max_tokens").asLong());
            if (max > 32_768) {
                openAiError(req, "chat", model, body, "max_tokens is too large: " + max
                        + ". This model supports at most 32768 completion tokens, whereas you provided " + max + ".");
                return;
            }
        }
        String result = null;
        for (JsonNode message : body.path("messages")) {
            if (message.path("role").asText().equals("tool")) {
                result = text(message.path("content"));
            }
        }
        Function<JsonNode, String> chatName = t -> t.path("function").path("name").asText();
        Declared tool = result == null ? declared(plain(body.path("tools")), chatName) : null;
        ObjectNode delta = JSON.objectNode().put("role", "assistant");
        String finish;
        String answered;
        if (tool != null) {
            delta.putNull("content");
            delta.putArray("tool_calls").addObject().put("index", 0).put("id", "call_agents1").put("type", "function")
                    .putObject("function").put("name", tool.name()).put("arguments",
                            write(tool.tool().arguments().apply(tool.declaration().path("function").path("parameters"))));
            finish = "tool_calls";
            answered = "function call";
        } else {
            delta.put("content", finalText(result, body));
            finish = "stop";
            answered = text(result, plain(body.path("tools")), chatName);
        }
        ObjectNode usage = JSON.objectNode().put("prompt_tokens", tokens(body)).put("completion_tokens", 12)
                .put("total_tokens", tokens(body) + 12);
        record(new Call("chat", model, 200, answered, body));
        if (!body.path("stream").asBoolean()) {
            ObjectNode completion = JSON.objectNode().put("id", "chatcmpl-agents1").put("object", "chat.completion")
                    .put("created", 1_765_000_000).put("model", model);
            ObjectNode message = delta.deepCopy();
            if (message.has("tool_calls")) {
                ((ObjectNode) message.get("tool_calls").get(0)).remove("index");
            }
            completion.putArray("choices").addObject().put("index", 0).put("finish_reason", finish).set("message",
                    message);
            completion.set("usage", usage);
            json(req, completion);
            return;
        }
        StringBuilder sse = new StringBuilder();
        ObjectNode first = chunk(model);
        ((ArrayNode) first.get("choices")).addObject().put("index", 0).putNull("finish_reason").set("delta", delta);
        ObjectNode last = chunk(model);
        ((ArrayNode) last.get("choices")).addObject().put("index", 0).put("finish_reason", finish).putObject("delta");
        sse.append("data: ").append(write(first)).append("\n\n");
        sse.append("data: ").append(write(last)).append("\n\n");
        if (body.path("stream_options").path("include_usage").asBoolean()) {
            ObjectNode tail = chunk(model);
            tail.set("usage", usage);
            sse.append("data: ").append(write(tail)).append("\n\n");
        }
        sse.append("data: [DONE]\n\n");
        stream(req, sse.toString());
    }

    private static ObjectNode chunk(String model) {
        ObjectNode chunk = JSON.objectNode().put("id", "chatcmpl-agents1").put("object", "chat.completion.chunk")
                .put("created", 1_765_000_000).put("model", model);
        chunk.putArray("choices");
        return chunk;
    }

    private void openAiError(HttpServerRequest req, String format, String model, JsonNode body, String message) {
        ObjectNode error = JSON.objectNode();
        error.putObject("error").put("message", message).put("type", "invalid_request_error").putNull("param")
                .put("code", "unsupported_parameter");
        answer(req, new Call(format, model, 400, message, body), write(error));
    }

    /** OpenAI's models without reasoning, which refuse reasoning parameters. */
    private static boolean nonReasoning(String model) {
        return model.matches("(gpt-4o|chatgpt-4o|gpt-4\\.1|gpt-4-|gpt-4$|gpt-3\\.5).*");
    }

    // --- Anthropic Messages ---

    private void messages(HttpServerRequest req, JsonNode body) {
        String model = body.path("model").asText();
        String refusal = null;
        boolean thinking = body.path("thinking").path("type").asText().equals("enabled");
        if (body.has("temperature") && body.has("top_p")) {
            refusal = "`temperature` and `top_p` cannot both be specified for this model. Please use only one.";
        } else if (thinking && (body.has("top_k")
                || body.has("temperature") && body.get("temperature").asDouble() != 1.0)) {
            refusal = "`temperature` may only be set to 1 when thinking is enabled.";
        } else if (body.path("max_tokens").asLong() > maxOutput(model)) {
            refusal = "max_tokens: " + body.path("max_tokens").asLong() + " > " + maxOutput(model)
                    + ", which is the maximum allowed number of output tokens for " + model;
        } else if (!body.path("max_tokens").canConvertToLong() || body.path("max_tokens").asLong() < 1) {
            refusal = "max_tokens: Field required";
        }
        if (refusal != null) {
            ObjectNode error = JSON.objectNode().put("type", "error");
            error.putObject("error").put("type", "invalid_request_error").put("message", refusal);
            answer(req, new Call("messages", model, 400, refusal, body), write(error));
            return;
        }
        String result = null;
        for (JsonNode message : body.path("messages")) {
            for (JsonNode block : message.path("content")) {
                if (block.path("type").asText().equals("tool_result")) {
                    result = text(block.path("content"));
                }
            }
        }
        Function<JsonNode, String> toolName = t -> t.path("name").asText();
        Declared tool = result == null ? declared(plain(body.path("tools")), toolName) : null;
        ObjectNode message = JSON.objectNode().put("id", "msg_agents1").put("type", "message")
                .put("role", "assistant").put("model", model);
        ObjectNode block = JSON.objectNode();
        String answered;
        if (tool != null) {
            block.put("type", "tool_use").put("id", "toolu_agents1").put("name", tool.name())
                    .set("input", tool.tool().arguments().apply(tool.declaration().path("input_schema")));
            answered = "tool use";
        } else {
            block.put("type", "text").put("text", finalText(result, body));
            answered = text(result, plain(body.path("tools")), toolName);
        }
        message.putArray("content").add(block);
        message.put("stop_reason", tool != null ? "tool_use" : "end_turn").putNull("stop_sequence");
        ObjectNode usage = message.putObject("usage").put("input_tokens", tokens(body))
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0).put("output_tokens", 12);
        record(new Call("messages", model, 200, answered, body));
        if (!body.path("stream").asBoolean()) {
            json(req, message);
            return;
        }
        ObjectNode start = message.deepCopy();
        start.putArray("content");
        start.putNull("stop_reason");
        ((ObjectNode) start.get("usage")).put("output_tokens", 1);
        StringBuilder sse = new StringBuilder();
        anthropicEvent(sse, (ObjectNode) event("message_start").set("message", start));
        ObjectNode opened = block.deepCopy();
        ObjectNode delta = JSON.objectNode();
        if (tool != null) {
            opened.putObject("input");
            delta.put("type", "input_json_delta").put("partial_json", write(block.get("input")));
        } else {
            opened.put("text", "");
            delta.put("type", "text_delta").put("text", block.get("text").asText());
        }
        anthropicEvent(sse, (ObjectNode) event("content_block_start").put("index", 0).set("content_block", opened));
        anthropicEvent(sse, (ObjectNode) event("content_block_delta").put("index", 0).set("delta", delta));
        anthropicEvent(sse, event("content_block_stop").put("index", 0));
        ObjectNode end = event("message_delta");
        end.putObject("delta").put("stop_reason", message.get("stop_reason").asText()).putNull("stop_sequence");
        end.set("usage", usage);
        anthropicEvent(sse, end);
        anthropicEvent(sse, event("message_stop"));
        stream(req, sse.toString());
    }

    /** Claude Sonnet 4.5 writes at most 64,000 tokens; the later models of the agents 128,000. */
    private static long maxOutput(String model) {
        return model.startsWith("claude-sonnet-4-5") ? 64_000 : 128_000;
    }

    private static void anthropicEvent(StringBuilder sse, ObjectNode event) {
        sse.append("event: ").append(event.get("type").asText()).append("\ndata: ").append(write(event))
                .append("\n\n");
    }

    // --- Gemini ---

    private void gemini(HttpServerRequest req, JsonNode body, String modelAndMethod) {
        int colon = modelAndMethod.indexOf(':');
        String model = modelAndMethod.substring(0, colon);
        String method = modelAndMethod.substring(colon + 1);
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!GEMINI_FIELDS.contains(name)) {
                ObjectNode error = JSON.objectNode();
                error.putObject("error").put("code", 400).put("status", "INVALID_ARGUMENT").put("message",
                        "Invalid JSON payload received. Unknown name \"" + name + "\": Cannot find field.");
                answer(req, new Call("gemini", model, 400, "unknown field " + name, body), write(error));
                return;
            }
        }
        if (method.equals("countTokens")) {
            answer(req, new Call("gemini", model, 200, "count", body), "{\"totalTokens\":" + tokens(body) + "}");
            return;
        }
        String result = null;
        for (JsonNode content : body.path("contents")) {
            for (JsonNode part : content.path("parts")) {
                if (part.has("functionResponse")) {
                    result = text(part.path("functionResponse").path("response"));
                }
            }
        }
        List<JsonNode> declarations = new ArrayList<>();
        body.path("tools").forEach(group -> group.path("functionDeclarations").forEach(declarations::add));
        Function<JsonNode, String> geminiName = t -> t.path("name").asText();
        Declared tool = result == null ? declared(plain(declarations), geminiName) : null;
        ObjectNode part = JSON.objectNode();
        String answered;
        if (tool != null) {
            JsonNode schema = tool.declaration().has("parametersJsonSchema")
                    ? tool.declaration().get("parametersJsonSchema")
                    : tool.declaration().path("parameters");
            part.putObject("functionCall").put("name", tool.name()).set("args",
                    tool.tool().arguments().apply(schema));
            answered = "function call";
        } else {
            part.put("text", finalText(result, body));
            answered = text(result, plain(declarations), geminiName);
        }
        ObjectNode answer = JSON.objectNode();
        ObjectNode candidate = answer.putArray("candidates").addObject();
        candidate.putObject("content").put("role", "model").putArray("parts").add(part);
        candidate.put("finishReason", "STOP").put("index", 0);
        answer.putObject("usageMetadata").put("promptTokenCount", tokens(body)).put("candidatesTokenCount", 12)
                .put("totalTokenCount", tokens(body) + 12);
        answer.put("modelVersion", model).put("responseId", "agents1");
        record(new Call("gemini", model, 200, answered, body));
        if (method.equals("streamGenerateContent")) {
            stream(req, "data: " + write(answer) + "\r\n\r\n");
        } else {
            json(req, answer);
        }
    }

    // --- shared ---

    /**
     * The final answer: a quote of the tool's result after a tool round trip; else a JSON object fitting the asked
     * schema when the request asks for JSON (an agent's side call), else a short text.
     */
    private static String finalText(String result, JsonNode body) {
        if (result != null) {
            return "Done. The tool said: " + result;
        }
        JsonNode schema = firstPresent(body.at("/generationConfig/responseJsonSchema"),
                body.at("/generationConfig/responseSchema"), body.at("/response_format/json_schema/schema"),
                body.at("/text/format/schema"), body.at("/output_config/format/schema"));
        if (schema != null) {
            return write(sample(schema));
        }
        if (body.at("/generationConfig/responseMimeType").asText().equals("application/json")
                || body.at("/response_format/type").asText().equals("json_object")) {
            return "{}";
        }
        return "OK";
    }

    private static JsonNode firstPresent(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            if (!node.isMissingNode() && !node.isNull()) {
                return node;
            }
        }
        return null;
    }

    /** A value that fits a JSON schema: an enum's first value, every property of an object. */
    static JsonNode sample(JsonNode schema) {
        if (schema.has("enum") && schema.get("enum").size() > 0) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").asText("object").toLowerCase(java.util.Locale.ROOT);
        switch (type) {
            case "object" : {
                ObjectNode object = JSON.objectNode();
                schema.path("properties").fields().forEachRemaining(p -> object.set(p.getKey(), sample(p.getValue())));
                return object;
            }
            case "array" :
                return JSON.arrayNode();
            case "boolean" :
                return JSON.booleanNode(false);
            case "integer", "number" :
                return JSON.numberNode(1);
            default :
                return JSON.textNode("ok");
        }
    }

    /** The text of a tool result in any of the formats' shapes (a string, content parts, an object). */
    private static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray()) {
            StringBuilder text = new StringBuilder();
            node.forEach(part -> text.append(part.has("text") ? part.get("text").asText() : text(part)));
            return text.toString();
        }
        return write(node);
    }

    private static String write(JsonNode node) {
        return new String(Golden.write(node), StandardCharsets.UTF_8);
    }

    private static int tokens(JsonNode body) {
        return Math.max(1, write(body).length() / 4);
    }

    private static void json(HttpServerRequest req, JsonNode body) {
        req.response().putHeader("Content-Type", "application/json").end(write(body));
    }

    private static void stream(HttpServerRequest req, String sse) {
        HttpServerResponse response = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
        response.end(Buffer.buffer(sse.getBytes(StandardCharsets.UTF_8)));
    }
}
