package dev.tokenledger.wire.anthropic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.json.Json;

import static dev.tokenledger.wire.JsonFields.text;

/**
 * Anthropic tool definitions and {@code tool_choice} to and from the canonical ones. Canonical tool choice is the
 * OpenAI one: {@code auto}, {@code required} (Anthropic {@code any}), {@code none}, or
 * {@code {"type":"function","function":{"name":…}}} (Anthropic {@code {"type":"tool","name":…}});
 * {@code disable_parallel_tool_use} is the negation of {@code parallel_tool_calls}.
 */
final class AnthropicTools {

    /** A canonical tool choice and parallel-calls flag. */
    record Choice(Object toolChoice, Boolean parallelToolCalls) {
    }

    private AnthropicTools() {
    }

    static List<ToolSpec> toCanonical(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw GatewayError.invalid("tools", "tools: Input should be a valid list");
        }
        List<ToolSpec> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode tool = node.get(i);
            if (!tool.isObject() || text(tool, "name") == null) {
                throw GatewayError.invalid("tools." + i, "tools." + i + ": expected a tool with a name");
            }
            String type = text(tool, "type");
            if (type != null && !"custom".equals(type)) {
                continue; // server tools (web search, code execution, …) reach an Anthropic upstream through the source body
            }
            JsonNode schema = tool.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw GatewayError.invalid("tools." + i + ".input_schema", "tools." + i + ".input_schema: Field required");
            }
            JsonNode strict = tool.get("strict");
            tools.add(new ToolSpec(text(tool, "name"), text(tool, "description"), Json.toMap(schema),
                    strict == null || !strict.isBoolean() ? null : strict.asBoolean()));
        }
        return tools;
    }

    static ArrayNode toWire(List<ToolSpec> tools) {
        ArrayNode out = Json.NODES.arrayNode();
        for (ToolSpec tool : tools) {
            ObjectNode t = out.addObject().put("name", tool.name());
            if (tool.description() != null) {
                t.put("description", tool.description());
            }
            t.set("input_schema", tool.parameters() != null
                    ? Json.toNode(tool.parameters())
                    : Json.NODES.objectNode().put("type", "object"));
            if (tool.strict() != null) {
                t.put("strict", tool.strict());
            }
        }
        return out;
    }

    static Choice choiceToCanonical(JsonNode node) {
        if (node == null || node.isNull()) {
            return new Choice(null, null);
        }
        String type = node.isObject() ? text(node, "type") : null;
        if (type == null) {
            throw GatewayError.invalid("tool_choice", "tool_choice: expected an object with a 'type'");
        }
        JsonNode disable = node.get("disable_parallel_tool_use");
        Boolean parallel = disable != null && disable.isBoolean() ? !disable.asBoolean() : null;
        Object choice = switch (type) {
            case "auto" -> "auto";
            case "any" -> "required";
            case "none" -> "none";
            case "tool" -> {
                String name = text(node, "name");
                if (name == null) {
                    throw GatewayError.invalid("tool_choice.name", "tool_choice.tool.name: Field required");
                }
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("type", "function");
                function.put("function", Map.of("name", name));
                yield function;
            }
            default -> throw GatewayError.invalid("tool_choice.type",
                    "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
        };
        return new Choice(choice, parallel);
    }

    /** The Anthropic tool_choice, or null when neither a choice nor a parallel-calls restriction was asked for. */
    static ObjectNode choiceToWire(Object toolChoice, Boolean parallelToolCalls, boolean hasTools) {
        ObjectNode choice = Json.NODES.objectNode();
        if (toolChoice == null) {
            if (!Boolean.FALSE.equals(parallelToolCalls) || !hasTools) {
                return null;
            }
            choice.put("type", "auto");
        } else if (toolChoice instanceof String s) {
            switch (s) {
                case "auto" -> choice.put("type", "auto");
                case "required" -> choice.put("type", "any");
                case "none" -> choice.put("type", "none");
                default -> throw GatewayError.invalid("tool_choice", "Invalid value for 'tool_choice': '" + s
                        + "'. Supported values are: 'none', 'auto', 'required'.");
            }
        } else if (toolChoice instanceof Map<?, ?> map) {
            Object name = map.get("name");
            if (name == null && map.get("function") instanceof Map<?, ?> function) {
                name = function.get("name");
            }
            if (!(name instanceof String)) {
                throw GatewayError.invalid("tool_choice", "This tool_choice cannot be expressed for an Anthropic upstream; "
                        + "use 'auto', 'required', 'none' or one named function.");
            }
            choice.put("type", "tool").put("name", (String) name);
        } else {
            throw GatewayError.invalid("tool_choice", "Invalid type for 'tool_choice'.");
        }
        if (Boolean.FALSE.equals(parallelToolCalls) && !"none".equals(choice.path("type").asText())) {
            choice.put("disable_parallel_tool_use", true);
        }
        return choice;
    }
}
