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
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.SourceBodies;
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
 * A request is read in one of two ways. For governance and for an upstream that has the Responses API (OpenAI), which
 * receives the body as it came with only the model replaced ({@link #toWire}), the reading is lenient: what the
 * canonical model cannot carry (built-in tools, stored-state fields such as {@code previous_response_id}, input items
 * and parts of new types) is skipped, never refused. For an upstream of another format the request is read strictly
 * as well ({@link OpenAiResponsesInboundCodec#checkTranslatable}): what cannot be translated is refused with a 400
 * naming the field. Tools follow {@link OpenAiResponsesTools}. Other fields without canonical form (e.g.
 * {@code metadata}, {@code include}, {@code text.verbosity}, {@code reasoning.summary}) are hints kept in
 * {@code extra}.
 */
public final class OpenAiResponsesRequests {

    /**
     * Top-level fields the canonical request names; everything else is kept in {@code extra}. {@code text} and
     * {@code reasoning} stay there too, for their hints ({@code verbosity}, {@code summary}) the canonical request
     * does not name.
     */
    private static final Set<String> KNOWN = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "stream", "user");
    private static final String STATELESS = "needs a response stored by OpenAI, and this model's provider is not "
            + "OpenAI. Send the whole conversation in 'input' instead.";

    private OpenAiResponsesRequests() {
    }

    /** Inbound body to canonical, strictly: refuses what an upstream of another format could not receive. */
    public static ChatRequest toCanonical(byte[] body) {
        return toCanonical(Json.parseObject(body), true);
    }

    /**
     * Inbound body to canonical; validates what the canonical model relies on, keeps every other field.
     *
     * @param strict whether what the canonical model cannot carry is refused (for an upstream of another format)
     *        rather than skipped (governance, and an upstream that has the Responses API)
     */
    public static ChatRequest toCanonical(ObjectNode root, boolean strict) {
        String model = requiredString(root, "model");
        if (strict) {
            refuseStatefulFields(root);
        }
        List<Message> messages = new ArrayList<>();
        String instructions = optionalString(root, "instructions");
        if (instructions != null && !instructions.isEmpty()) {
            messages.add(new Message("system", List.of(new ContentPart.Text(instructions)), List.of(), null, null));
        }
        messages.addAll(OpenAiResponsesInput.toCanonical(root.get("input"), strict));
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
                .tools(OpenAiResponsesTools.read(root, strict).specs(), toolChoice(root.get("tool_choice"), strict),
                        optionalBooleanObject(root, "parallel_tool_calls"))
                .sampling(optionalInt(root, "max_output_tokens"), optionalDouble(root, "temperature"),
                        optionalDouble(root, "top_p"), List.of())
                .responseFormat(responseFormat(root.get("text"), strict)).reasoning(reasoning(root.get("reasoning")))
                .stream(stream, stream).user(optionalString(root, "user")).extra(extra).build();
    }

    /**
     * Canonical to an upstream that has the Responses API: only ever a request that arrived in this format, forwarded
     * as it came (unknown fields, built-in tools, encrypted reasoning intact) with only the model replaced.
     */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        ObjectNode root = SourceBodies.copy(request, WireFormat.OPENAI_RESPONSES);
        if (root == null) {
            throw new IllegalStateException("Only a Responses request is sent to a Responses upstream");
        }
        root.put("model", upstreamModel);
        return Json.write(root);
    }

    private static void refuseStatefulFields(ObjectNode root) {
        // a stored response the gateway knows was put into the input before this reading; any other is unknown here
        String previous = OpenAiStoredResponses.previousId(root);
        if (previous != null) {
            throw OpenAiStoredResponses.previousNotFound(previous);
        }
        Untranslatable.refuse(root, "previous_response_id", Untranslatable.ANY, STATELESS);
        Untranslatable.refuse(root, "conversation", Untranslatable.ANY, STATELESS);
        Untranslatable.refuse(root, "prompt", Untranslatable.ANY,
                "refers to a prompt template stored by OpenAI; this gateway cannot expand it.");
        Untranslatable.refuse(root, "background", Untranslatable.FALSE,
                "needs a response run and stored by OpenAI; this model's provider is not OpenAI.");
        Untranslatable.refuse(root, "max_tool_calls", Untranslatable.ANY,
                "limits built-in tool calls, which this model's provider cannot run.");
        Untranslatable.refuse(root, "top_logprobs", Untranslatable.ZERO,
                "cannot be translated for this model's provider.");
    }

    /** {@code none|auto|required} as they are, a forced function in the canonical (chat) shape. */
    private static Object toolChoice(JsonNode node, boolean strict) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual() && Set.of("none", "auto", "required").contains(node.asText())) {
            return node.asText();
        }
        String type = node.isObject() ? text(node, "type") : null;
        if (("function".equals(type) || "custom".equals(type)) && text(node, "name") != null) {
            String name = OpenAiResponsesTools.canonicalName(text(node, "namespace"), text(node, "name"));
            return Map.of("type", "function", "function", Map.of("name", name));
        }
        if (OpenAiResponsesTools.TOOL_SEARCH.equals(type)) {
            return Map.of("type", "function", "function", Map.of("name", OpenAiResponsesTools.TOOL_SEARCH));
        }
        if (!strict) {
            return null;
        }
        throw GatewayError.invalid("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or "
                + "{\"type\":\"function\",\"name\":...}; other choices cannot be translated for this model's provider.");
    }

    /** {@code text.format} as the canonical (chat {@code response_format}) map; null for plain text. */
    private static Map<String, Object> responseFormat(JsonNode text, boolean strict) {
        if (text == null || text.isNull() || !text.isObject() && !strict) {
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
        if (!strict) {
            return null;
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
