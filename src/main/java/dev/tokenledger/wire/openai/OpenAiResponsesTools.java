package dev.tokenledger.wire.openai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;

import static dev.tokenledger.wire.JsonFields.requiredString;
import static dev.tokenledger.wire.JsonFields.text;

/**
 * The tools of a Responses request as canonical functions, and the way back from a canonical call to the item the
 * client expects. Declared in {@code tools}, in {@code additional_tools} input items and in the {@code tools} of
 * {@code tool_search_output} items (tools a client-executed search loaded):
 * <ul>
 * <li>{@code function}: as it is;</li>
 * <li>{@code custom} (free-form input): a function with one string parameter ({@link OpenAiCustomTools});</li>
 * <li>{@code namespace}: its functions and custom tools flattened, named {@code <namespace>__<name>}; calls carry
 * the namespace again on the way back;</li>
 * <li>{@code tool_search} executed by the client: a function {@code tool_search} whose arguments are the search's;</li>
 * <li>tools OpenAI runs itself ({@code web_search}, {@code file_search}, a server-side {@code tool_search}, ...): an
 * upstream of another format cannot run them. Offered, they are left out when translated (the model answers with the
 * tools it has, as coding agents that offer web search by default expect); required ({@code tool_choice:
 * "required"}) they are refused with a 400 naming the tool, as is a {@code tool_choice} naming one. A Responses
 * upstream receives them all as they came.</li>
 * </ul>
 */
final class OpenAiResponsesTools {

    /** Between a namespace and a tool's name in the flattened (canonical) name. */
    static final String SEPARATOR = "__";
    /** The canonical name of a client-executed tool search. */
    static final String TOOL_SEARCH = "tool_search";

    /** What a canonical tool was in the client's request. */
    enum Kind {
        FUNCTION, CUSTOM, TOOL_SEARCH
    }

    /** The client's view of a canonical tool: its kind, namespace (or null) and own name. */
    record Origin(Kind kind, String namespace, String name) {
    }

    /** The tools of one request: canonical specs in order, and each canonical name's origin. */
    record Declared(List<ToolSpec> specs, Map<String, Origin> origins) {

        /** The origin of a canonical tool name; a plain function when the request declared no such tool. */
        Origin origin(String canonicalName) {
            Origin origin = origins.get(canonicalName);
            return origin != null ? origin : new Origin(Kind.FUNCTION, null, canonicalName);
        }
    }

    private OpenAiResponsesTools() {
    }

    /** The tools of a request that arrived in the Responses format; none for a request in another format. */
    static Declared of(ChatRequest request) {
        if (!request.arrivedIn(WireFormat.OPENAI_RESPONSES)) {
            return new Declared(List.of(), Map.of());
        }
        return read((ObjectNode) request.source().body(), false);
    }

    /**
     * @param strict whether the request is translated for an upstream of another format: a tool OpenAI runs itself
     *        is then refused when the request requires a tool call, else left out (as when not strict: a Responses
     *        upstream receives it from the source body)
     */
    static Declared read(ObjectNode root, boolean strict) {
        boolean refuseHosted = strict && "required".equals(text(root, "tool_choice"));
        Map<String, ToolSpec> specs = new LinkedHashMap<>();
        Map<String, Origin> origins = new HashMap<>();
        add(root.get("tools"), "tools", refuseHosted, specs, origins);
        JsonNode input = root.get("input");
        for (int i = 0; input != null && input.isArray() && i < input.size(); i++) {
            String type = input.get(i).path("type").asText("");
            if ("additional_tools".equals(type) || "tool_search_output".equals(type)) {
                add(input.get(i).get("tools"), "input[" + i + "].tools", refuseHosted, specs, origins);
            }
        }
        return new Declared(new ArrayList<>(specs.values()), origins);
    }

    private static void add(JsonNode tools, String path, boolean strict, Map<String, ToolSpec> specs,
            Map<String, Origin> origins) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected an array.");
        }
        for (int i = 0; i < tools.size(); i++) {
            tool(tools.get(i), null, path + "[" + i + "]", strict, specs, origins);
        }
    }

    private static void tool(JsonNode tool, String namespace, String path, boolean strict, Map<String, ToolSpec> specs,
            Map<String, Origin> origins) {
        String type = tool.isObject() ? text(tool, "type") : null;
        if (type == null) {
            throw GatewayError.invalid(path, "Invalid value for '" + path + "': expected a tool with a 'type'.");
        }
        ObjectNode node = (ObjectNode) tool;
        switch (type) {
            case "function" -> {
                String name = requiredString(node, "name", path + ".name");
                JsonNode params = tool.get("parameters");
                JsonNode strictFlag = tool.get("strict");
                put(new ToolSpec(canonicalName(namespace, name), text(tool, "description"),
                        params == null || !params.isObject() ? null : Json.toMap(params),
                        strictFlag == null || !strictFlag.isBoolean() ? null : strictFlag.asBoolean()),
                        new Origin(Kind.FUNCTION, namespace, name), specs, origins);
            }
            case "custom" -> {
                String name = requiredString(node, "name", path + ".name");
                put(new ToolSpec(canonicalName(namespace, name), text(tool, "description"),
                        OpenAiCustomTools.schema(tool.get("format")), null), new Origin(Kind.CUSTOM, namespace, name),
                        specs, origins);
            }
            case "namespace" -> {
                String name = requiredString(node, "name", path + ".name");
                JsonNode children = tool.has("tools") ? tool.get("tools") : tool.get("children");
                for (int i = 0; children != null && children.isArray() && i < children.size(); i++) {
                    tool(children.get(i), name, path + ".tools[" + i + "]", strict, specs, origins);
                }
            }
            case TOOL_SEARCH -> {
                if ("server".equals(text(tool, "execution"))) {
                    hosted(type, path, strict);
                    return;
                }
                JsonNode params = tool.get("parameters");
                put(new ToolSpec(TOOL_SEARCH, descriptionOr(tool, "Searches for tools that can help with the task."),
                        params != null && params.isObject() ? Json.toMap(params) : searchSchema(), null),
                        new Origin(Kind.TOOL_SEARCH, null, TOOL_SEARCH), specs, origins);
            }
            default -> hosted(type, path, strict);
        }
    }

    private static void put(ToolSpec spec, Origin origin, Map<String, ToolSpec> specs, Map<String, Origin> origins) {
        specs.put(spec.name(), spec);
        origins.put(spec.name(), origin);
    }

    private static void hosted(String type, String path, boolean strict) {
        if (strict) {
            throw GatewayError.invalid(path + ".type", "The built-in tool '" + type + "' (" + path
                    + ") runs inside OpenAI's Responses API and 'tool_choice' is 'required'; this model's provider "
                    + "cannot run it. Route the request to an OpenAI model or leave the tool out.");
        }
    }

    private static String descriptionOr(JsonNode tool, String fallback) {
        String description = text(tool, "description");
        return description != null ? description : fallback;
    }

    private static Map<String, Object> searchSchema() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("query", Map.of("type", "string", "description", "What to search for.")));
        schema.put("required", List.of("query"));
        return schema;
    }

    /** The canonical (flattened) name of a tool, in a namespace or not. */
    static String canonicalName(String namespace, String name) {
        return namespace == null ? name : namespace + SEPARATOR + name;
    }
}
