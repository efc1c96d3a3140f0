package dev.tokenledger.wire.ollama;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.JsonPut;
import dev.tokenledger.wire.SamplingFields;
import dev.tokenledger.wire.SourceBodies;

import static dev.tokenledger.wire.JsonFields.optionalArray;
import static dev.tokenledger.wire.JsonFields.optionalDouble;
import static dev.tokenledger.wire.JsonFields.requiredString;
import static dev.tokenledger.wire.JsonFields.stringOrStrings;
import static dev.tokenledger.wire.JsonFields.text;

/**
 * Pure mapping of Ollama's native {@code /api/chat} requests to and from the canonical request. Ollama streams unless
 * told otherwise, so every body this writes says {@code stream} explicitly.
 */
public final class OllamaChatRequests {

    private static final SamplingFields SAMPLING = new SamplingFields("num_predict", "temperature", "top_p", "stop");

    /** Top-level fields the canonical request names; everything else is kept in {@code extra}. */
    private static final Set<String> KNOWN = Set.of("model", "messages", "tools", "format", "options", "stream", "think");
    /** Options the canonical request names; the others are kept in {@code extra.options}. */
    private static final Set<String> KNOWN_OPTIONS = Set.of("num_predict", "temperature", "top_p", "stop");

    private OllamaChatRequests() {
    }

    // ---- Ollama client -> canonical ----

    /** Inbound body to canonical; validates what the canonical model relies on, keeps every other field. */
    public static ChatRequest toCanonical(byte[] body) {
        ObjectNode root = Json.parseObject(body);
        String model = requiredString(root, "model");
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || !messagesNode.isArray() || messagesNode.isEmpty()) {
            throw GatewayError.invalid("messages", "Invalid value for 'messages': expected a non-empty array.");
        }
        List<Message> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(OllamaMessages.toCanonical(messagesNode.get(i), i, messages));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN.contains(field.getKey())) {
                extra.put(field.getKey(), Json.toValue(field.getValue()));
            }
        }
        ObjectNode options = options(root, extra);
        // Ollama's default is a stream: only an explicit false asks for one JSON answer
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw GatewayError.invalid("stream", "Invalid type for 'stream': expected a boolean.");
        }
        Integer numPredict = options.has("num_predict") && options.get("num_predict").asInt(-1) >= 0
                ? options.get("num_predict").asInt()
                : null;
        return ChatRequest.builder(model, new ChatRequest.SourceBody(WireFormat.OLLAMA, root))
                .messages(messages).tools(tools(optionalArray(root, "tools", "tools")), null, null)
                .sampling(numPredict, optionalDouble(options, "temperature"), optionalDouble(options, "top_p"),
                        stop(options.get("stop")))
                .responseFormat(responseFormat(root.get("format"))).reasoning(reasoning(root.get("think")))
                .stream(stream == null || stream.asBoolean(true), false).extra(extra).build();
    }

    private static ObjectNode options(ObjectNode root, Map<String, Object> extra) {
        JsonNode options = root.get("options");
        if (options == null || options.isNull()) {
            return Json.NODES.objectNode();
        }
        if (!options.isObject()) {
            throw GatewayError.invalid("options", "Invalid type for 'options': expected an object.");
        }
        Map<String, Object> rest = new LinkedHashMap<>();
        options.fields().forEachRemaining(f -> {
            if (!KNOWN_OPTIONS.contains(f.getKey())) {
                rest.put(f.getKey(), Json.toValue(f.getValue()));
            }
        });
        if (!rest.isEmpty()) {
            extra.put("options", rest);
        }
        JsonNode numPredict = options.get("num_predict");
        if (numPredict != null && !numPredict.isNull() && !numPredict.canConvertToInt()) {
            throw GatewayError.invalid("options.num_predict", "Invalid type for 'options.num_predict': expected an integer.");
        }
        return (ObjectNode) options;
    }

    private static List<ToolSpec> tools(JsonNode node) {
        List<ToolSpec> tools = new ArrayList<>();
        if (node == null) {
            return tools;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode fn = node.get(i).path("function");
            String name = fn.isObject() ? text(fn, "name") : null;
            if (name == null) {
                throw GatewayError.invalid("tools[" + i + "].function.name",
                        "Invalid value for 'tools[" + i + "]': expected a function tool with a name.");
            }
            JsonNode params = fn.get("parameters");
            tools.add(new ToolSpec(name, text(fn, "description"),
                    params != null && params.isObject() ? Json.toMap(params) : null, null));
        }
        return tools;
    }

    private static List<String> stop(JsonNode node) {
        return stringOrStrings(node,
                () -> GatewayError.invalid("options.stop", "Invalid type for 'options.stop': expected strings."));
    }

    private static Map<String, Object> responseFormat(JsonNode format) {
        if (format == null || format.isNull() || format.isTextual() && format.asText().isEmpty()) {
            return null;
        }
        if (format.isTextual() && format.asText().equals("json")) {
            return Map.of("type", "json_object");
        }
        if (!format.isObject()) {
            throw GatewayError.invalid("format", "Invalid value for 'format': expected \"json\" or a JSON schema.");
        }
        return Map.of("type", "json_schema", "json_schema", Map.of("name", "response", "schema", Json.toMap(format)));
    }

    private static ChatRequest.Reasoning reasoning(JsonNode think) {
        if (think == null || think.isNull()) {
            return null;
        }
        if (think.isBoolean()) {
            return think.asBoolean() ? new ChatRequest.Reasoning("medium", null) : new ChatRequest.Reasoning(null, 0);
        }
        if (think.isTextual() && Set.of("low", "medium", "high").contains(think.asText())) {
            return new ChatRequest.Reasoning(think.asText(), null);
        }
        throw GatewayError.invalid("think", "Invalid value for 'think': expected a boolean or 'low', 'medium', 'high'.");
    }

    // ---- canonical -> Ollama upstream ----

    /**
     * Canonical to an upstream body. A request that arrived in this format is forwarded as it came, with only the
     * model replaced; any other is built from the canonical fields, and a field Ollama cannot express fails with an
     * invalid-request error naming it.
     */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        ObjectNode root = SourceBodies.copy(request, WireFormat.OLLAMA);
        if (root == null) {
            root = build(request);
        }
        root.put("model", upstreamModel);
        root.put("stream", request.stream());
        return Json.write(root);
    }

    private static ObjectNode build(ChatRequest request) {
        OllamaUnsupported.check(request);
        ObjectNode root = Json.NODES.objectNode();
        root.put("model", request.model());
        ArrayNode messages = root.putArray("messages");
        List<Message> all = request.messages();
        for (int i = 0; i < all.size(); i++) {
            messages.add(OllamaMessages.toWire(all, i));
        }
        if (!request.tools().isEmpty() && !"none".equals(request.toolChoice())) {
            ArrayNode tools = root.putArray("tools");
            for (ToolSpec tool : request.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", tool.name());
                JsonPut.ifSet(fn, "description", tool.description());
                JsonPut.ifSet(fn, "parameters", tool.parameters());
            }
        }
        JsonNode format = format(request.responseFormat());
        if (format != null) {
            root.set("format", format);
        }
        ObjectNode options = options(request);
        if (!options.isEmpty()) {
            root.set("options", options);
        }
        JsonNode think = think(request.reasoning());
        if (think != null) {
            root.set("think", think);
        }
        return root;
    }

    private static ObjectNode options(ChatRequest request) {
        ObjectNode options = Json.NODES.objectNode();
        SAMPLING.write(request, options);
        OllamaUnsupported.samplingExtras(request.extra(), options);
        return options;
    }

    private static JsonNode format(Map<String, Object> responseFormat) {
        if (responseFormat == null) {
            return null;
        }
        Object type = responseFormat.get("type");
        if ("json_object".equals(type)) {
            return Json.NODES.textNode("json");
        }
        if ("json_schema".equals(type) && responseFormat.get("json_schema") instanceof Map<?, ?> schema
                && schema.get("schema") instanceof Map<?, ?> jsonSchema) {
            return Json.toNode(jsonSchema);
        }
        if ("text".equals(type)) {
            return null;
        }
        throw GatewayError.invalid("response_format",
                "Ollama supports the response formats 'text', 'json_object' and 'json_schema' with a schema; got '" + type
                        + "'.");
    }

    private static JsonNode think(ChatRequest.Reasoning reasoning) {
        if (reasoning == null) {
            return null;
        }
        String effort = reasoning.effort();
        if ((effort == null && Integer.valueOf(0).equals(reasoning.budgetTokens())) || "none".equals(effort)) {
            return Json.NODES.booleanNode(false);
        }
        if (effort == null) {
            return Json.NODES.booleanNode(true);
        }
        return Json.NODES.textNode(switch (effort) {
            case "minimal", "low" -> "low";
            case "medium" -> "medium";
            default -> "high";
        });
    }
}
