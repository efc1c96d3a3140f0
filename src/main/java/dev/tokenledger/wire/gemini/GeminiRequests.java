package dev.tokenledger.wire.gemini;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.JsonFields;
import dev.tokenledger.wire.SamplingFields;
import dev.tokenledger.wire.SourceBodies;

import static dev.tokenledger.wire.gemini.GeminiFields.array;
import static dev.tokenledger.wire.gemini.GeminiFields.get;
import static dev.tokenledger.wire.gemini.GeminiFields.integer;
import static dev.tokenledger.wire.gemini.GeminiFields.number;
import static dev.tokenledger.wire.gemini.GeminiFields.object;
import static dev.tokenledger.wire.gemini.GeminiFields.string;

/**
 * Pure mapping of Gemini {@code GenerateContentRequest} bodies to and from the canonical request. The model and
 * whether to stream are not in a Gemini body but in the URL ({@code models/{model}:streamGenerateContent}).
 */
public final class GeminiRequests {

    /** The stop sequences follow the copied extras in {@code generationConfig}. */
    private static final SamplingFields SAMPLING = new SamplingFields("maxOutputTokens", "temperature", "topP", null);
    private static final SamplingFields STOP = new SamplingFields(null, null, null, "stopSequences");

    private static final Set<String> KNOWN = Set.of("contents", "systemInstruction", "tools", "toolConfig",
            "generationConfig", "model");
    private static final Set<String> KNOWN_CONFIG = Set.of("maxOutputTokens", "temperature", "topP", "stopSequences",
            "responseMimeType", "responseSchema", "responseJsonSchema", "thinkingConfig");

    private GeminiRequests() {
    }

    /**
     * Inbound body to canonical.
     *
     * @param model the model named in the URL; when null, the body's {@code model} field ({@code models/...})
     */
    public static ChatRequest toCanonical(byte[] body, String model, boolean stream) {
        return toCanonical(Json.parseObject(body), model, stream);
    }

    public static ChatRequest toCanonical(ObjectNode root, String model, boolean stream) {
        if (model == null) {
            model = string(root, "model", "model");
            if (model == null || model.isBlank()) {
                throw GatewayError.invalid("model", "Missing required field 'model'.");
            }
        }
        model = model.startsWith("models/") ? model.substring(7) : model;
        JsonNode contents = array(root, "contents", "contents");
        if (contents == null || contents.isEmpty()) {
            throw GatewayError.invalid("contents", "* GenerateContentRequest.contents: contents is not specified");
        }
        List<Message> messages = new ArrayList<>();
        JsonNode system = get(root, "systemInstruction");
        if (system != null) {
            messages.add(GeminiContents.systemInstruction(system, "systemInstruction"));
        }
        messages.addAll(GeminiContents.toCanonical(contents, "contents"));
        JsonNode config = object(root, "generationConfig", "generationConfig");
        JsonNode toolConfig = object(root, "toolConfig", "toolConfig");
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (KNOWN.stream().noneMatch(k -> GeminiFields.is(field.getKey(), k))) {
                extra.put(field.getKey(), Json.toValue(field.getValue()));
            }
        }
        Map<String, Object> otherConfig = new LinkedHashMap<>();
        if (config != null) {
            config.fields().forEachRemaining(f -> {
                if (KNOWN_CONFIG.stream().noneMatch(k -> GeminiFields.is(f.getKey(), k))) {
                    otherConfig.put(f.getKey(), Json.toValue(f.getValue()));
                }
            });
        }
        if (!otherConfig.isEmpty()) {
            extra.put("generationConfig", otherConfig);
        }
        return ChatRequest.builder(model, new ChatRequest.SourceBody(WireFormat.GEMINI, root))
                .messages(messages)
                .tools(GeminiTools.toCanonical(array(root, "tools", "tools")),
                        toolConfig == null ? null : GeminiTools.choiceToCanonical(toolConfig), null)
                .sampling(integer(config, "maxOutputTokens", "generationConfig.maxOutputTokens"),
                        number(config, "temperature", "generationConfig.temperature"),
                        number(config, "topP", "generationConfig.topP"), stopSequences(config))
                .responseFormat(responseFormat(config)).reasoning(reasoning(config)).stream(stream, stream).extra(extra)
                .build();
    }

    private static List<String> stopSequences(JsonNode config) {
        JsonNode stop = array(config, "stopSequences", "generationConfig.stopSequences");
        return stop == null
                ? List.of()
                : JsonFields.strings(stop, () -> GatewayError.invalid(
                        "generationConfig.stopSequences",
                        "Invalid value at 'generationConfig.stopSequences': expected strings."));
    }

    private static Map<String, Object> responseFormat(JsonNode config) {
        String mime = string(config, "responseMimeType", "generationConfig.responseMimeType");
        JsonNode jsonSchema = get(config, "responseJsonSchema");
        JsonNode schema = object(config, "responseSchema", "generationConfig.responseSchema");
        if (mime == null || !mime.equals("application/json")) {
            return null;
        }
        if (jsonSchema == null && schema == null) {
            return Map.of("type", "json_object");
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", "response");
        // both normalised: Gemini CLI sends responseJsonSchema with Gemini's upper-case types too
        spec.put("schema", Json.toValue(GeminiTools.jsonSchemaOf(jsonSchema != null ? jsonSchema : schema)));
        return Map.of("type", "json_schema", "json_schema", spec);
    }

    private static ChatRequest.Reasoning reasoning(JsonNode config) {
        JsonNode thinking = object(config, "thinkingConfig", "generationConfig.thinkingConfig");
        if (thinking == null) {
            return null;
        }
        Integer budget = integer(thinking, "thinkingBudget", "generationConfig.thinkingConfig.thinkingBudget");
        String level = string(thinking, "thinkingLevel", "generationConfig.thinkingConfig.thinkingLevel");
        if (budget != null && budget < 0) {
            budget = null; // -1: the model decides, as when nothing is asked
        }
        if (budget == null && (level == null || level.equals("THINKING_LEVEL_UNSPECIFIED"))) {
            return null;
        }
        return new ChatRequest.Reasoning(level == null ? null : level.toLowerCase(Locale.ROOT), budget);
    }

    /**
     * Fields of a Gemini request that matter and that no other format can carry, or null when there are none. An
     * upstream of another format must refuse such a request rather than drop them.
     */
    public static String untranslatable(ChatRequest request) {
        if (!request.arrivedIn(WireFormat.GEMINI)) {
            return null;
        }
        JsonNode root = (JsonNode) request.source().body();
        String builtIn = GeminiTools.builtIn(get(root, "tools"));
        if (builtIn != null) {
            return builtIn;
        }
        if (get(root, "cachedContent") != null) {
            return "cachedContent";
        }
        JsonNode config = get(root, "generationConfig");
        Integer candidates = integer(config, "candidateCount", "generationConfig.candidateCount");
        if (candidates != null && candidates > 1) {
            return "generationConfig.candidateCount";
        }
        JsonNode modalities = get(config, "responseModalities");
        if (modalities != null) {
            for (JsonNode m : modalities) {
                if (!m.asText().equals("TEXT")) {
                    return "generationConfig.responseModalities";
                }
            }
        }
        String mime = string(config, "responseMimeType", "generationConfig.responseMimeType");
        if (mime != null && !mime.equals("application/json") && !mime.equals("text/plain")) {
            return "generationConfig.responseMimeType";
        }
        return null;
    }

    /**
     * Canonical to an upstream body. A request that arrived in this format is forwarded as it came; any other is
     * built from the canonical fields.
     */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        ObjectNode root = SourceBodies.copy(request, WireFormat.GEMINI);
        if (root == null) {
            return Json.write(build(request));
        }
        if (root.has("model")) {
            root.put("model", "models/" + upstreamModel);
        }
        return Json.write(root);
    }

    static ObjectNode build(ChatRequest request) {
        ObjectNode root = Json.NODES.objectNode();
        root.set("contents", GeminiContents.toWire(request.messages()));
        ObjectNode system = GeminiContents.systemToWire(request.messages());
        if (system != null) {
            root.set("systemInstruction", system);
        }
        if (!request.tools().isEmpty()) {
            if (Boolean.FALSE.equals(request.parallelToolCalls())) {
                throw GatewayError.invalid("parallel_tool_calls",
                        "Gemini models cannot be told to make one tool call at a time; remove parallel_tool_calls.");
            }
            root.set("tools", GeminiTools.toWire(request.tools()));
            ObjectNode toolConfig = GeminiTools.choiceToWire(request.toolChoice());
            if (toolConfig != null) {
                root.set("toolConfig", toolConfig);
            }
        }
        ObjectNode config = generationConfig(request);
        if (!config.isEmpty()) {
            root.set("generationConfig", config);
        }
        return root;
    }

    private static ObjectNode generationConfig(ChatRequest request) {
        ObjectNode config = Json.NODES.objectNode();
        SAMPLING.write(request, config);
        copyNumber(request.extra(), "top_k", config, "topK");
        copyNumber(request.extra(), "seed", config, "seed");
        copyNumber(request.extra(), "presence_penalty", config, "presencePenalty");
        copyNumber(request.extra(), "frequency_penalty", config, "frequencyPenalty");
        copyNumber(request.extra(), "n", config, "candidateCount");
        STOP.write(request, config);
        responseFormatToWire(request.responseFormat(), config);
        reasoningToWire(request.reasoning(), config);
        return config;
    }

    private static void copyNumber(Map<String, Object> extra, String from, ObjectNode config, String to) {
        Object value = extra.get(from);
        if (value instanceof Number n) {
            config.set(to, Json.toNode(n));
        }
    }

    private static void responseFormatToWire(Map<String, Object> format, ObjectNode config) {
        if (format == null) {
            return;
        }
        Object type = format.get("type");
        if ("text".equals(type)) {
            return;
        }
        if ("json_object".equals(type)) {
            config.put("responseMimeType", "application/json");
            return;
        }
        if ("json_schema".equals(type) && format.get("json_schema") instanceof Map<?, ?> spec) {
            config.put("responseMimeType", "application/json");
            if (spec.get("schema") != null) {
                config.set("responseJsonSchema", Json.toNode(spec.get("schema")));
            }
            return;
        }
        throw GatewayError.invalid("response_format", "This response_format cannot be expressed for a Gemini model; "
                + "use 'text', 'json_object' or 'json_schema'.");
    }

    private static void reasoningToWire(ChatRequest.Reasoning reasoning, ObjectNode config) {
        if (reasoning == null) {
            return;
        }
        if (reasoning.budgetTokens() != null) {
            config.putObject("thinkingConfig").put("thinkingBudget", reasoning.budgetTokens());
            return;
        }
        String effort = reasoning.effort();
        if (effort == null) {
            return;
        }
        switch (effort) {
            case "none" -> config.putObject("thinkingConfig").put("thinkingBudget", 0);
            case "minimal", "low", "medium", "high" -> config.putObject("thinkingConfig")
                    .put("thinkingLevel", effort.toUpperCase(Locale.ROOT));
            case "xhigh", "max" -> config.putObject("thinkingConfig").put("thinkingLevel", "HIGH");
            default -> throw GatewayError.invalid("reasoning_effort", "Invalid value for reasoning effort: '" + effort
                    + "'. Gemini models take minimal, low, medium or high.");
        }
    }
}
