package dev.tokenledger.wire;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * A canonical tool call's arguments (JSON text, as OpenAI's formats carry them) for the formats that carry them as a
 * JSON object (Anthropic's {@code input}, Gemini's {@code args}, Converse's {@code input}, Ollama's {@code arguments}).
 */
public final class ToolArguments {

    private ToolArguments() {
    }

    /**
     * The arguments text as an object, parsed once; an empty text is {@code {}}.
     *
     * @param notAnObject the format's error for a text that is not a JSON object
     */
    public static ObjectNode toObject(String arguments, Supplier<GatewayError> notAnObject) {
        if (arguments == null || arguments.isBlank()) {
            return Json.NODES.objectNode();
        }
        ObjectNode object = Json.tryParseObject(arguments);
        if (object == null) {
            throw notAnObject.get();
        }
        return object;
    }
}
