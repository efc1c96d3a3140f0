package dev.tokenledger.wire.gemini;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.json.Json;

import static dev.tokenledger.wire.gemini.GeminiFields.array;
import static dev.tokenledger.wire.gemini.GeminiFields.expectObject;
import static dev.tokenledger.wire.gemini.GeminiFields.object;
import static dev.tokenledger.wire.gemini.GeminiFields.string;

/** Gemini {@code tools} (function declarations) and {@code toolConfig} to and from canonical tools and tool choice. */
final class GeminiTools {

    private GeminiTools() {
    }

    /** The function declarations of a request's tools; built-in tools are left to the source body. */
    static List<ToolSpec> toCanonical(JsonNode tools) {
        List<ToolSpec> specs = new ArrayList<>();
        if (tools == null) {
            return specs;
        }
        for (int t = 0; t < tools.size(); t++) {
            String path = "tools[" + t + "]";
            JsonNode tool = expectObject(tools.get(t), path, "Tool");
            JsonNode declarations = array(tool, "functionDeclarations", path + ".functionDeclarations");
            if (declarations == null) {
                continue;
            }
            for (int d = 0; d < declarations.size(); d++) {
                String dPath = path + ".functionDeclarations[" + d + "]";
                JsonNode fn = declarations.get(d);
                String name = string(fn, "name", dPath + ".name");
                if (name == null || name.isEmpty()) {
                    throw GatewayError.invalid(dPath + ".name", "Missing required field '" + dPath + ".name'.");
                }
                JsonNode jsonSchema = object(fn, "parametersJsonSchema", dPath + ".parametersJsonSchema");
                JsonNode openApi = object(fn, "parameters", dPath + ".parameters");
                Map<String, Object> parameters = jsonSchema != null
                        ? Json.toMap(jsonSchema)
                        : openApi != null ? Json.toMap(jsonSchemaOf(openApi)) : null;
                specs.add(new ToolSpec(name, string(fn, "description", dPath + ".description"), parameters, null));
            }
        }
        return specs;
    }

    /**
     * A JSON schema from a Gemini OpenAPI schema: the same keywords, except that types are written in upper case
     * ({@code OBJECT}, {@code STRING}) and {@code nullable} stands for a union with null.
     */
    static JsonNode jsonSchemaOf(JsonNode schema) {
        if (schema.isArray()) {
            ArrayNode out = Json.NODES.arrayNode();
            schema.forEach(item -> out.add(jsonSchemaOf(item)));
            return out;
        }
        if (!schema.isObject()) {
            return schema;
        }
        ObjectNode out = Json.NODES.objectNode();
        boolean nullable = GeminiFields.flag(schema, "nullable");
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("nullable")) {
                continue;
            }
            if (key.equals("type") && value.isTextual()) {
                String type = value.asText().toLowerCase(java.util.Locale.ROOT);
                if (nullable) {
                    out.putArray("type").add(type).add("null");
                } else {
                    out.put("type", type);
                }
            } else if (key.equals("properties") && value.isObject()) {
                ObjectNode props = out.putObject("properties");
                value.fields().forEachRemaining(p -> props.set(p.getKey(), jsonSchemaOf(p.getValue())));
            } else if (key.equals("items") || key.equals("anyOf")) {
                out.set(key, jsonSchemaOf(value));
            } else {
                out.set(GeminiFields.is(key, "propertyOrdering") ? "propertyOrdering" : key, value);
            }
        }
        return out;
    }

    /**
     * The canonical tool choice of a {@code toolConfig}: {@code auto}, {@code required}, {@code none}, or one forced
     * function in OpenAI's shape; null when the request leaves it to the model.
     */
    static Object choiceToCanonical(JsonNode toolConfig) {
        JsonNode config = object(toolConfig, "functionCallingConfig", "toolConfig.functionCallingConfig");
        if (config == null) {
            return null;
        }
        String mode = string(config, "mode", "toolConfig.functionCallingConfig.mode");
        JsonNode allowed = array(config, "allowedFunctionNames", "toolConfig.functionCallingConfig.allowedFunctionNames");
        if (mode == null || mode.equals("MODE_UNSPECIFIED")) {
            return null;
        }
        return switch (mode) {
            case "AUTO" -> "auto";
            case "NONE" -> "none";
            case "ANY", "VALIDATED" -> {
                if (allowed != null && allowed.size() == 1 && allowed.get(0).isTextual()) {
                    Map<String, Object> choice = new LinkedHashMap<>();
                    choice.put("type", "function");
                    choice.put("function", Map.of("name", allowed.get(0).asText()));
                    yield choice;
                }
                if (allowed != null && allowed.size() > 1) {
                    // OpenAI's shape for a subset of the tools
                    yield Map.of("type", "allowed_tools", "allowed_tools", Map.of("mode", "required", "tools",
                            names(allowed)));
                }
                yield "required";
            }
            default -> throw GatewayError.invalid("toolConfig.functionCallingConfig.mode", "Invalid value at "
                    + "'toolConfig.functionCallingConfig.mode': '" + mode + "'. Use AUTO, ANY, NONE or VALIDATED.");
        };
    }

    private static List<Map<String, Object>> names(JsonNode allowed) {
        List<Map<String, Object>> tools = new ArrayList<>();
        allowed.forEach(n -> tools.add(Map.of("type", "function", "function", Map.of("name", n.asText()))));
        return tools;
    }

    static ArrayNode toWire(List<ToolSpec> specs) {
        ArrayNode tools = Json.NODES.arrayNode();
        ArrayNode declarations = tools.addObject().putArray("functionDeclarations");
        for (ToolSpec spec : specs) {
            ObjectNode fn = declarations.addObject().put("name", spec.name());
            if (spec.description() != null) {
                fn.put("description", spec.description());
            }
            if (spec.parameters() != null) {
                // full JSON Schema: OpenAI and Anthropic schemas use keywords the OpenAPI 'parameters' field refuses
                fn.set("parametersJsonSchema", Json.toNode(spec.parameters()));
            }
        }
        return tools;
    }

    /** The {@code toolConfig} of a canonical tool choice, or null for none. */
    static ObjectNode choiceToWire(Object choice) {
        if (choice == null) {
            return null;
        }
        ObjectNode toolConfig = Json.NODES.objectNode();
        ObjectNode config = toolConfig.putObject("functionCallingConfig");
        if (choice instanceof String s) {
            switch (s) {
                case "auto" -> config.put("mode", "AUTO");
                case "none" -> config.put("mode", "NONE");
                case "required", "any" -> config.put("mode", "ANY");
                default -> throw unsupportedChoice();
            }
            return toolConfig;
        }
        if (choice instanceof Map<?, ?> map) {
            JsonNode node = Json.toNode(map);
            String type = node.path("type").asText("");
            String name = node.path("function").path("name").asText(node.path("name").asText(null));
            if ((type.equals("function") || type.equals("tool")) && name != null) {
                config.put("mode", "ANY");
                config.putArray("allowedFunctionNames").add(name);
                return toolConfig;
            }
            if (type.equals("allowed_tools")) {
                JsonNode spec = node.has("allowed_tools") ? node.get("allowed_tools") : node;
                config.put("mode", "required".equals(spec.path("mode").asText()) ? "ANY" : "AUTO");
                ArrayNode names = config.putArray("allowedFunctionNames");
                for (JsonNode tool : spec.path("tools")) {
                    names.add(tool.path("function").path("name").asText(tool.path("name").asText()));
                }
                return toolConfig;
            }
            if (type.equals("auto") || type.equals("none") || type.equals("any")) {
                config.put("mode", type.equals("any") ? "ANY" : type.toUpperCase(java.util.Locale.ROOT));
                return toolConfig;
            }
        }
        throw unsupportedChoice();
    }

    private static GatewayError unsupportedChoice() {
        return GatewayError.invalid("tool_choice", "This tool_choice cannot be expressed for a Gemini model; use "
                + "'auto', 'none', 'required' or one named function.");
    }

    /** Whether a tools entry holds anything but function declarations (Google Search, code execution, ...). */
    static String builtIn(JsonNode tools) {
        if (tools == null) {
            return null;
        }
        for (int t = 0; t < tools.size(); t++) {
            for (Iterator<String> it = tools.get(t).fieldNames(); it.hasNext();) {
                String name = it.next();
                if (!GeminiFields.is(name, "functionDeclarations")) {
                    return "tools[" + t + "]." + name;
                }
            }
        }
        return null;
    }
}
