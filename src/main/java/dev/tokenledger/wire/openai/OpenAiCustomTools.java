package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.json.Json;

/**
 * The Responses API's free-form ({@code custom}) tools for an upstream that only knows functions: a custom tool is a
 * function with one string parameter, {@value #PARAMETER}, that carries the tool's free-form input; a call's
 * arguments {@code {"input": "..."}} become the {@code custom_tool_call}'s input again on the way back.
 */
final class OpenAiCustomTools {

    /** The one parameter of a custom tool as a function. */
    static final String PARAMETER = "input";

    private OpenAiCustomTools() {
    }

    /** The JSON schema of a custom tool as a function; the grammar of its {@code format}, if any, described. */
    static Map<String, Object> schema(JsonNode format) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("type", "string");
        String description = "The tool's free-form input.";
        if (format != null && "grammar".equals(format.path("type").asText())) {
            description += " It must match this " + format.path("syntax").asText("grammar") + " grammar:\n"
                    + format.path("definition").asText("");
        }
        input.put("description", description);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of(PARAMETER, input));
        schema.put("required", List.of(PARAMETER));
        schema.put("additionalProperties", false);
        return schema;
    }

    /** A custom tool call's input as function arguments. */
    static String argumentsOf(String input) {
        return new String(Json.write(Json.NODES.objectNode().put(PARAMETER, input == null ? "" : input)),
                StandardCharsets.UTF_8);
    }

    /** The input of a custom tool call from function arguments; the arguments themselves when they are no such object. */
    static String inputOf(String arguments) {
        JsonNode node = arguments == null ? null : Json.tryParseObject(arguments);
        JsonNode input = node == null ? null : node.get(PARAMETER);
        return input != null && input.isTextual() ? input.asText() : arguments == null ? "" : arguments;
    }
}
