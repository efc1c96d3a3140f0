package dev.tokenledger.wire.anthropic;

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
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;

import static dev.tokenledger.wire.JsonFields.optionalBoolean;
import static dev.tokenledger.wire.JsonFields.optionalDouble;
import static dev.tokenledger.wire.JsonFields.optionalInt;
import static dev.tokenledger.wire.JsonFields.requiredString;
import static dev.tokenledger.wire.JsonFields.strings;
import static dev.tokenledger.wire.JsonFields.text;

/**
 * Pure mapping of Anthropic Messages requests ({@code POST /v1/messages}) to the canonical request. A user turn's
 * {@code tool_result} blocks become canonical {@code tool} messages (in order, before the rest of the turn); an
 * assistant turn's {@code tool_use} blocks become tool calls with their ids, {@code thinking} and
 * {@code redacted_thinking} blocks become reasoning parts of family {@code anthropic}, signatures intact.
 */
public final class AnthropicRequests {

    /** Top-level fields the canonical request names; everything else is kept in {@code extra}. */
    private static final Set<String> KNOWN = Set.of("model", "messages", "system", "max_tokens", "stop_sequences",
            "temperature", "top_p", "stream", "metadata", "tools", "tool_choice", "thinking", "output_config");

    private AnthropicRequests() {
    }

    /**
     * The thinking budget a canonical request asks of Anthropic's models (also where another format carries them, as
     * Bedrock Converse does): null to leave thinking unset, 0 to turn it off.
     */
    public static Integer thinkingBudget(ChatRequest request) {
        return AnthropicRequestBuilder.thinkingBudget(request);
    }

    /** The Anthropic body a request arrived with (read-only), or null when it came in another format. */
    public static ObjectNode sourceBody(ChatRequest request) {
        return request.source() != null && request.source().body() instanceof AnthropicSource source
                ? source.body()
                : null;
    }

    /** A Messages request body to canonical. */
    public static ChatRequest toCanonical(byte[] body) {
        return toCanonical(body, true);
    }

    /**
     * @param requireMaxTokens false for {@code count_tokens}, whose body has no {@code max_tokens}
     */
    public static ChatRequest toCanonical(byte[] body, boolean requireMaxTokens) {
        return toCanonical(body, requireMaxTokens, null);
    }

    /**
     * @param beta the client's {@code anthropic-beta} header, kept for an Anthropic upstream, or null
     */
    public static ChatRequest toCanonical(byte[] body, boolean requireMaxTokens, String beta) {
        ObjectNode root = Json.parseObject(body);
        String model = requiredString(root, "model");
        Integer maxTokens = optionalInt(root, "max_tokens");
        if (maxTokens == null && requireMaxTokens) {
            throw GatewayError.invalid("max_tokens", "max_tokens: Field required");
        }
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || messagesNode.isNull()) {
            throw GatewayError.invalid("messages", "messages: Field required");
        }
        if (!messagesNode.isArray()) {
            throw GatewayError.invalid("messages", "messages: Input should be a valid list");
        }
        List<Message> turns = new ArrayList<>();
        for (int i = 0; i < messagesNode.size(); i++) {
            message(messagesNode.get(i), "messages." + i, turns);
        }
        // system turns inside messages (a newer beta) join the system prompt, after the top-level one
        List<ContentPart> system = new ArrayList<>(system(root.get("system")));
        List<Message> messages = new ArrayList<>();
        for (Message turn : turns) {
            if ("system".equals(turn.role())) {
                system.addAll(turn.content());
            }
        }
        if (!system.isEmpty()) {
            messages.add(new Message("system", system, List.of(), null, null));
        }
        turns.stream().filter(turn -> !"system".equals(turn.role())).forEach(messages::add);
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN.contains(field.getKey())) {
                extra.put(field.getKey(), Json.toValue(field.getValue()));
            }
        }
        AnthropicTools.Choice choice = AnthropicTools.choiceToCanonical(root.get("tool_choice"));
        boolean stream = optionalBoolean(root, "stream");
        ObjectNode outputConfig = object(root, "output_config");
        return ChatRequest.builder(model, new ChatRequest.SourceBody(WireFormat.ANTHROPIC, new AnthropicSource(root, beta)))
                .messages(messages)
                .tools(AnthropicTools.toCanonical(root.get("tools")), choice.toolChoice(), choice.parallelToolCalls())
                .sampling(maxTokens, optionalDouble(root, "temperature"), optionalDouble(root, "top_p"),
                        stopSequences(root.get("stop_sequences")))
                .responseFormat(responseFormat(outputConfig)).reasoning(reasoning(object(root, "thinking"), outputConfig))
                .stream(stream, stream).user(user(object(root, "metadata"))).extra(extra).build();
    }

    private static ObjectNode object(ObjectNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw GatewayError.invalid(field, field + ": Input should be a valid dictionary");
        }
        return (ObjectNode) value;
    }

    private static List<ContentPart> system(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return node.asText().isEmpty() ? List.of() : List.of(new ContentPart.Text(node.asText()));
        }
        if (!node.isArray()) {
            throw GatewayError.invalid("system", "system: Input should be a valid string or a list of text blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode block = node.get(i);
            if (!block.isObject() || !"text".equals(text(block, "type"))) {
                throw GatewayError.invalid("system." + i, "system." + i + ": only text blocks are allowed");
            }
            parts.add(new ContentPart.Text(requiredString((ObjectNode) block, "text", "system." + i + ".text")));
        }
        return parts;
    }

    /** Adds the canonical messages of one Anthropic turn. */
    static void message(JsonNode node, String path, List<Message> out) {
        if (node == null || !node.isObject()) {
            throw GatewayError.invalid(path, path + ": Input should be a valid dictionary");
        }
        String role = text(node, "role");
        if (!"user".equals(role) && !"assistant".equals(role) && !"system".equals(role)) {
            throw GatewayError.invalid(path + ".role", path + ".role: Input should be 'user', 'assistant' or 'system'");
        }
        JsonNode content = node.get("content");
        if (content == null || content.isNull()) {
            throw GatewayError.invalid(path + ".content", path + ".content: Field required");
        }
        if (content.isTextual()) {
            out.add(new Message(role, List.of(new ContentPart.Text(content.asText())), List.of(), null, null));
            return;
        }
        if (!content.isArray()) {
            throw GatewayError.invalid(path + ".content", path + ".content: Input should be a valid string or list");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            String blockPath = path + ".content." + i;
            JsonNode block = content.get(i);
            String type = block.isObject() ? text(block, "type") : null;
            if (type == null) {
                throw GatewayError.invalid(blockPath, blockPath + ": expected a content block with a 'type'");
            }
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(requiredString((ObjectNode) block, "text", blockPath + ".text")));
                case "image" -> parts.add(AnthropicBlocks.imageToCanonical(block, blockPath));
                case "thinking" -> parts.add(new ContentPart.Reasoning(text(block, "thinking"), text(block, "signature"),
                        null, AnthropicBlocks.FAMILY));
                case "redacted_thinking" -> parts.add(new ContentPart.Reasoning(null, null,
                        requiredString((ObjectNode) block, "data", blockPath + ".data"), AnthropicBlocks.FAMILY));
                case "tool_use" -> calls.add(AnthropicBlocks.toolUseToCanonical(block, blockPath));
                case "tool_result" -> {
                    if (!"user".equals(role)) {
                        throw GatewayError.invalid(blockPath, blockPath + ": tool_result blocks belong in a user turn");
                    }
                    out.add(AnthropicBlocks.toolResultToCanonical(block, blockPath));
                }
                default -> {
                    // documents, server tool blocks and future block types have no canonical form; an Anthropic
                    // upstream still receives them from the source body
                }
            }
        }
        if (!parts.isEmpty() || !calls.isEmpty() || content.isEmpty()) {
            out.add(new Message(role, parts, calls, null, null));
        }
    }

    private static List<String> stopSequences(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw GatewayError.invalid("stop_sequences", "stop_sequences: Input should be a valid list");
        }
        return strings(node,
                () -> GatewayError.invalid("stop_sequences", "stop_sequences: Input should be a list of strings"));
    }

    private static String user(ObjectNode metadata) {
        if (metadata == null) {
            return null;
        }
        JsonNode user = metadata.get("user_id");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw GatewayError.invalid("metadata.user_id", "metadata.user_id: Input should be a valid string");
        }
        return user == null || user.isNull() ? null : user.asText();
    }

    /** {@code thinking} and {@code output_config.effort} as canonical reasoning. */
    private static ChatRequest.Reasoning reasoning(ObjectNode thinking, ObjectNode outputConfig) {
        String effort = outputConfig == null ? null : text(outputConfig, "effort");
        Integer budget = null;
        if (thinking != null) {
            String type = text(thinking, "type");
            if ("enabled".equals(type)) {
                budget = optionalInt(thinking, "budget_tokens");
                if (budget == null) {
                    throw GatewayError.invalid("thinking.budget_tokens", "thinking.enabled.budget_tokens: Field required");
                }
            } else if ("disabled".equals(type)) {
                budget = 0;
            } else if (!"adaptive".equals(type)) {
                throw GatewayError.invalid("thinking.type",
                        "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
            }
        }
        return effort == null && budget == null ? null : new ChatRequest.Reasoning(effort, budget);
    }

    /** {@code output_config.format} ({@code json_schema}) in the canonical (OpenAI {@code response_format}) shape. */
    private static Map<String, Object> responseFormat(ObjectNode outputConfig) {
        JsonNode format = outputConfig == null ? null : outputConfig.get("format");
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject() || !"json_schema".equals(text(format, "type")) || !format.path("schema").isObject()) {
            throw GatewayError.invalid("output_config.format",
                    "output_config.format: expected {\"type\":\"json_schema\",\"schema\":{...}}");
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("name", "response");
        schema.put("schema", Json.toValue(format.get("schema")));
        schema.put("strict", true);
        Map<String, Object> responseFormat = new LinkedHashMap<>();
        responseFormat.put("type", "json_schema");
        responseFormat.put("json_schema", schema);
        return responseFormat;
    }

    /**
     * Canonical to an upstream body. A request that arrived in this format is forwarded as it came (thinking
     * signatures, cache_control, server tools and unknown fields intact) with only the model replaced; any other is
     * built from the canonical fields by {@link AnthropicRequestBuilder}.
     */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        return Json.write(toWireTree(request, upstreamModel));
    }

    /** The {@code anthropic-beta} header the client sent with a request that arrived in this format, or null. */
    public static String beta(ChatRequest request) {
        return request.source() != null && request.source().body() instanceof AnthropicSource source
                ? source.beta()
                : null;
    }

    static ObjectNode toWireTree(ChatRequest request, String upstreamModel) {
        ObjectNode root;
        if (request.arrivedIn(WireFormat.ANTHROPIC)) {
            // a copy: mappers are pure, and the same request may be sent to several deployments
            root = ((AnthropicSource) request.source().body()).body().deepCopy();
            root.put("model", upstreamModel);
        } else {
            root = AnthropicRequestBuilder.build(request, upstreamModel);
        }
        return root;
    }
}
