package dev.tokenledger.wire.openai;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.Untranslatable;

import static dev.tokenledger.wire.JsonFields.optionalBoolean;
import static dev.tokenledger.wire.JsonFields.optionalBooleanObject;
import static dev.tokenledger.wire.JsonFields.optionalDouble;
import static dev.tokenledger.wire.JsonFields.optionalInt;
import static dev.tokenledger.wire.JsonFields.optionalString;
import static dev.tokenledger.wire.JsonFields.requiredString;
import static dev.tokenledger.wire.JsonFields.text;

/**
 * Pure mapping of OpenAI Responses API requests ({@code POST /v1/responses}) to the canonical request.
 *
 * <p>
 * No provider type speaks the Responses API upstream, so a Responses request is always translated. The gateway is
 * stateless: fields that need state kept by OpenAI ({@code previous_response_id}, {@code conversation}, stored
 * {@code prompt} templates, {@code background} runs) and built-in tools are refused with a 400 naming the field.
 * {@code store} is accepted and ignored: nothing is stored, which only matters to a later request that refers to the
 * answer, and that request is refused. Other fields without canonical form (e.g. {@code metadata}, {@code include},
 * {@code text.verbosity}, {@code reasoning.summary}) are hints kept in {@code extra}.
 */
public final class OpenAiResponsesRequests {

    /**
     * Top-level fields the canonical request names; everything else is kept in {@code extra}. {@code text} and
     * {@code reasoning} stay there too, for their hints ({@code verbosity}, {@code summary}) the canonical request
     * does not name.
     */
    private static final Set<String> KNOWN = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "stream", "user");
    private static final String STATELESS = "needs a response stored by OpenAI; this gateway is stateless and stores "
            + "no responses. Send the whole conversation in 'input' instead.";

    private OpenAiResponsesRequests() {
    }

    /** Inbound body to canonical; validates what the canonical model relies on, keeps every other field. */
    public static ChatRequest toCanonical(byte[] body) {
        ObjectNode root = Json.parseObject(body);
        String model = requiredString(root, "model");
        refuseStatefulFields(root);
        List<Message> messages = new ArrayList<>();
        String instructions = optionalString(root, "instructions");
        if (instructions != null && !instructions.isEmpty()) {
            messages.add(new Message("system", List.of(new ContentPart.Text(instructions)), List.of(), null, null));
        }
        messages.addAll(OpenAiResponsesInput.toCanonical(root.get("input")));
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN.contains(field.getKey())) {
                extra.put(field.getKey(), Json.toValue(field.getValue()));
            }
        }
        boolean stream = optionalBoolean(root, "stream");
        // the terminal event of a Responses stream always carries the usage
        return ChatRequest.builder(model, new ChatRequest.SourceBody(WireFormat.OPENAI_RESPONSES, root))
                .messages(messages)
                .tools(tools(root.get("tools")), toolChoice(root.get("tool_choice")),
                        optionalBooleanObject(root, "parallel_tool_calls"))
                .sampling(optionalInt(root, "max_output_tokens"), optionalDouble(root, "temperature"),
                        optionalDouble(root, "top_p"), List.of())
                .responseFormat(responseFormat(root.get("text"))).reasoning(reasoning(root.get("reasoning")))
                .stream(stream, stream).user(optionalString(root, "user")).extra(extra).build();
    }

    private static void refuseStatefulFields(ObjectNode root) {
        Untranslatable.refuse(root, "previous_response_id", Untranslatable.ANY, STATELESS);
        Untranslatable.refuse(root, "conversation", Untranslatable.ANY, STATELESS);
        Untranslatable.refuse(root, "prompt", Untranslatable.ANY,
                "refers to a prompt template stored by OpenAI; this gateway cannot expand it.");
        Untranslatable.refuse(root, "background", Untranslatable.FALSE,
                "needs a response run and stored by OpenAI; this gateway is stateless.");
        Untranslatable.refuse(root, "max_tool_calls", Untranslatable.ANY,
                "limits built-in tool calls, which this model's provider cannot run.");
        Untranslatable.refuse(root, "top_logprobs", Untranslatable.ZERO,
                "cannot be translated for this model's provider.");
    }

    private static List<ToolSpec> tools(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw GatewayError.invalid("tools", "Invalid type for 'tools': expected an array.");
        }
        List<ToolSpec> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode tool = node.get(i);
            String path = "tools[" + i + "]";
            String type = tool.isObject() ? text(tool, "type") : null;
            if (type == null) {
                throw GatewayError.invalid(path, "Invalid value for '" + path + "': expected a tool with a 'type'.");
            }
            if (!"function".equals(type)) {
                throw GatewayError.invalid(path + ".type", "The built-in tool '" + type + "' (" + path
                        + ") runs inside OpenAI's Responses API and cannot be translated for this model's provider.");
            }
            JsonNode params = tool.get("parameters");
            JsonNode strict = tool.get("strict");
            tools.add(new ToolSpec(requiredString((ObjectNode) tool, "name", path + ".name"), text(tool, "description"),
                    params == null || !params.isObject() ? null : Json.toMap(params),
                    strict == null || !strict.isBoolean() ? null : strict.asBoolean()));
        }
        return tools;
    }

    /** {@code none|auto|required} as they are, a forced function in the canonical (chat) shape. */
    private static Object toolChoice(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual() && Set.of("none", "auto", "required").contains(node.asText())) {
            return node.asText();
        }
        if (node.isObject() && "function".equals(text(node, "type")) && text(node, "name") != null) {
            return Map.of("type", "function", "function", Map.of("name", text(node, "name")));
        }
        throw GatewayError.invalid("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or "
                + "{\"type\":\"function\",\"name\":...}; other choices cannot be translated for this model's provider.");
    }

    /** {@code text.format} as the canonical (chat {@code response_format}) map; null for plain text. */
    private static Map<String, Object> responseFormat(JsonNode text) {
        if (text == null || text.isNull()) {
            return null;
        }
        if (!text.isObject()) {
            throw GatewayError.invalid("text", "Invalid type for 'text': expected an object.");
        }
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            return null;
        }
        String type = format.isObject() ? text(format, "type") : null;
        if ("text".equals(type)) {
            return null;
        }
        if ("json_object".equals(type)) {
            return Map.of("type", "json_object");
        }
        if ("json_schema".equals(type)) {
            Map<String, Object> schema = new LinkedHashMap<>(Json.toMap(format));
            schema.remove("type");
            if (!(schema.get("name") instanceof String) || !(schema.get("schema") instanceof Map)) {
                throw GatewayError.invalid("text.format", "'text.format' of type 'json_schema' needs a 'name' and a "
                        + "'schema' object.");
            }
            Map<String, Object> responseFormat = new LinkedHashMap<>();
            responseFormat.put("type", "json_schema");
            responseFormat.put("json_schema", schema);
            return responseFormat;
        }
        throw GatewayError.invalid("text.format.type", "'text.format.type' must be 'text', 'json_object' or "
                + "'json_schema'.");
    }

    private static ChatRequest.Reasoning reasoning(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw GatewayError.invalid("reasoning", "Invalid type for 'reasoning': expected an object.");
        }
        String effort = optionalString((ObjectNode) node, "effort");
        return effort == null ? null : new ChatRequest.Reasoning(effort, null);
    }
}
