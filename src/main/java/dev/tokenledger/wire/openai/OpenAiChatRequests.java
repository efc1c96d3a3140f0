package dev.tokenledger.wire.openai;

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
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ModelParameterRules;
import dev.tokenledger.wire.SamplingFields;
import dev.tokenledger.wire.SourceBodies;

import static dev.tokenledger.wire.JsonFields.optionalArray;
import static dev.tokenledger.wire.JsonFields.optionalBoolean;
import static dev.tokenledger.wire.JsonFields.optionalBooleanObject;
import static dev.tokenledger.wire.JsonFields.optionalDouble;
import static dev.tokenledger.wire.JsonFields.optionalInt;
import static dev.tokenledger.wire.JsonFields.optionalString;
import static dev.tokenledger.wire.JsonFields.requiredString;
import static dev.tokenledger.wire.JsonFields.stringOrStrings;
import static dev.tokenledger.wire.JsonFields.text;

/** Pure mapping of OpenAI Chat Completions requests to and from the canonical request. */
public final class OpenAiChatRequests {

    private static final SamplingFields SAMPLING = new SamplingFields("max_completion_tokens", "temperature", "top_p",
            "stop");

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** Top-level fields the canonical request names; everything else is kept in {@code extra}. */
    private static final Set<String> KNOWN = Set.of("model", "messages", "tools", "tool_choice", "parallel_tool_calls",
            "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "response_format", "stream",
            "stream_options", "user", "reasoning_effort");

    private OpenAiChatRequests() {
    }

    /** Inbound body to canonical; validates what the canonical model relies on, keeps every other field. */
    public static ChatRequest toCanonical(byte[] body) {
        ObjectNode root = Json.parseObject(body);
        String model = requiredString(root, "model");
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || messagesNode.isNull()) {
            throw GatewayError.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!messagesNode.isArray()) {
            throw GatewayError.invalid("messages", "Invalid type for 'messages': expected an array.");
        }
        if (messagesNode.isEmpty()) {
            throw GatewayError.invalid("messages", "'messages' must contain at least one message.");
        }
        List<Message> messages = new ArrayList<>(messagesNode.size());
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
        }
        boolean stream = optionalBoolean(root, "stream");
        JsonNode streamOptions = root.get("stream_options");
        boolean includeUsage = false;
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw GatewayError.invalid("stream_options", "Invalid type for 'stream_options': expected an object.");
            }
            JsonNode include = streamOptions.get("include_usage");
            if (include != null && !include.isNull() && !include.isBoolean()) {
                throw GatewayError.invalid("stream_options.include_usage",
                        "Invalid type for 'stream_options.include_usage': expected a boolean.");
            }
            includeUsage = include != null && include.asBoolean(false);
        }
        Integer maxTokens = optionalInt(root, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = optionalInt(root, "max_tokens");
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN.contains(field.getKey())) {
                extra.put(field.getKey(), Json.toValue(field.getValue()));
            }
        }
        JsonNode toolChoice = root.get("tool_choice");
        JsonNode responseFormat = root.get("response_format");
        if (responseFormat != null && !responseFormat.isNull() && !responseFormat.isObject()) {
            throw GatewayError.invalid("response_format", "Invalid type for 'response_format': expected an object.");
        }
        String reasoningEffort = optionalString(root, "reasoning_effort");
        return ChatRequest.builder(model, new ChatRequest.SourceBody(WireFormat.OPENAI_CHAT, root))
                .messages(messages)
                .tools(tools(optionalArray(root, "tools", "tools")),
                        toolChoice == null || toolChoice.isNull() ? null : Json.toValue(toolChoice),
                        optionalBooleanObject(root, "parallel_tool_calls"))
                .sampling(maxTokens, optionalDouble(root, "temperature"), optionalDouble(root, "top_p"),
                        stop(root.get("stop")))
                .responseFormat(responseFormat == null || responseFormat.isNull() ? null : Json.toMap(responseFormat))
                .reasoning(reasoningEffort == null ? null : new ChatRequest.Reasoning(reasoningEffort, null))
                .stream(stream, includeUsage).user(optionalString(root, "user")).extra(extra).build();
    }

    /**
     * Canonical to an upstream body. A request that arrived in this format is forwarded as it came, with only the
     * model replaced and, for streams, usage reporting switched on; any other is built from the canonical fields.
     */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        ObjectNode root = SourceBodies.copy(request, WireFormat.OPENAI_CHAT);
        if (root == null) {
            root = build(request);
            ModelParameterRules.apply(WireFormat.OPENAI_CHAT, upstreamModel, root);
        }
        root.put("model", upstreamModel);
        if (request.stream()) {
            JsonNode options = root.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode o ? o : root.putObject("stream_options");
            streamOptions.put("include_usage", true);
        }
        return Json.write(root);
    }

    private static ObjectNode build(ChatRequest request) {
        ObjectNode root = Json.NODES.objectNode();
        root.put("model", request.model());
        ArrayNode messages = root.putArray("messages");
        for (Message m : request.messages()) {
            messages.add(messageToWire(m));
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = root.putArray("tools");
            for (ToolSpec tool : request.tools()) {
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.put("name", tool.name());
                if (tool.description() != null) {
                    fn.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    fn.set("parameters", Json.toNode(tool.parameters()));
                }
                if (tool.strict() != null) {
                    fn.put("strict", tool.strict());
                }
            }
        }
        if (request.toolChoice() != null) {
            root.set("tool_choice", Json.toNode(request.toolChoice()));
        }
        if (request.parallelToolCalls() != null) {
            root.put("parallel_tool_calls", request.parallelToolCalls());
        }
        SAMPLING.write(request, root);
        if (request.responseFormat() != null) {
            root.set("response_format", Json.toNode(request.responseFormat()));
        }
        if (request.stream()) {
            root.put("stream", true);
        }
        if (request.user() != null) {
            root.put("user", request.user());
        }
        String effort = effort(request.reasoning());
        if (effort != null) {
            root.put("reasoning_effort", effort);
        }
        return root;
    }

    /**
     * The effort to ask for: the client's, else one for its thinking budget (Gemini's {@code thinkingBudget},
     * Anthropic's {@code budget_tokens}): 0 minimal, up to 2,048 low, up to 8,192 medium, more high.
     */
    static String effort(ChatRequest.Reasoning reasoning) {
        if (reasoning == null) {
            return null;
        }
        if (reasoning.effort() != null || reasoning.budgetTokens() == null || reasoning.budgetTokens() < 0) {
            return reasoning.effort();
        }
        int budget = reasoning.budgetTokens();
        return budget == 0 ? "minimal" : budget <= 2048 ? "low" : budget <= 8192 ? "medium" : "high";
    }

    /** A system prompt's text blocks, one paragraph each: joined bare, the last word of one ran into the next. */
    private static String systemText(Message m) {
        StringBuilder text = new StringBuilder();
        for (ContentPart part : m.content()) {
            if (part instanceof ContentPart.Text t && !t.text().isEmpty()) {
                text.append(text.isEmpty() ? "" : "\n\n").append(t.text());
            }
        }
        return text.toString();
    }

    static ObjectNode messageToWire(Message m) {
        ObjectNode node = Json.NODES.objectNode();
        node.put("role", m.role());
        if (m.name() != null) {
            node.put("name", m.name());
        }
        if (m.toolCallId() != null) {
            node.put("tool_call_id", m.toolCallId());
        }
        List<ContentPart> visible = m.content().stream().filter(p -> !(p instanceof ContentPart.Reasoning)).toList();
        boolean onlyText = visible.stream().allMatch(p -> p instanceof ContentPart.Text);
        if (visible.isEmpty()) {
            node.putNull("content");
        } else if (onlyText) {
            node.put("content", "system".equals(m.role()) || "developer".equals(m.role()) ? systemText(m) : m.text());
        } else {
            ArrayNode parts = node.putArray("content");
            for (ContentPart part : visible) {
                if (part instanceof ContentPart.Text t) {
                    parts.addObject().put("type", "text").put("text", t.text());
                } else if (part instanceof ContentPart.Image img) {
                    ObjectNode imageUrl = parts.addObject().put("type", "image_url").putObject("image_url");
                    imageUrl.put("url", OpenAiImageUrls.toWire(img));
                    if (img.detail() != null) {
                        imageUrl.put("detail", img.detail());
                    }
                }
            }
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                ObjectNode c = calls.addObject().put("id", call.id()).put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        return node;
    }

    static Message message(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected an object.");
        }
        JsonNode roleNode = node.get("role");
        if (roleNode == null || !roleNode.isTextual()) {
            throw GatewayError.invalid(path + ".role", "Missing required parameter: '" + path + ".role'.");
        }
        String role = roleNode.asText();
        if (!ROLES.contains(role)) {
            throw GatewayError.invalid(path + ".role", "Invalid value for '" + path + ".role': '" + role
                    + "'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool'.");
        }
        List<ContentPart> content = content(node.get("content"), path + ".content");
        JsonNode reasoning = node.get("reasoning_content");
        if (reasoning != null && reasoning.isTextual() && !reasoning.asText().isEmpty()) {
            List<ContentPart> withReasoning = new ArrayList<>(content.size() + 1);
            withReasoning.add(new ContentPart.Reasoning(reasoning.asText(), null, null, "openai"));
            withReasoning.addAll(content);
            content = withReasoning;
        }
        List<ToolCall> toolCalls = new ArrayList<>();
        JsonNode calls = node.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray()) {
                throw GatewayError.invalid(path + ".tool_calls",
                        "Invalid type for '" + path + ".tool_calls': expected an array.");
            }
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                String callPath = path + ".tool_calls[" + i + "]";
                JsonNode fn = call.get("function");
                if (!call.isObject() || fn == null || !fn.isObject()) {
                    throw GatewayError.invalid(callPath, "Invalid value for '" + callPath + "': expected a function call.");
                }
                toolCalls.add(new ToolCall(text(call, "id"), text(fn, "name"), text(fn, "arguments")));
            }
        }
        return new Message(role, content, toolCalls, text(node, "tool_call_id"), text(node, "name"));
    }

    private static List<ContentPart> content(JsonNode node, String path) {
        return parts(node, path, (type, part, partPath, parts) -> {
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(requiredString(part, "text", partPath + ".text")));
                case "image_url" -> parts.add(image(part.get("image_url"), partPath + ".image_url"));
                default -> {
                    // audio, files and future part types have no canonical form yet; an upstream of this format
                    // still receives them from the source body
                }
            }
        });
    }

    /** Reads one typed part of a message's content into {@code parts}, or passes it over. */
    @FunctionalInterface
    interface PartReader {
        void read(String type, ObjectNode part, String partPath, List<ContentPart> parts);
    }

    /**
     * A message's content as both OpenAI APIs take it: absent, a string, or an array of parts that each have a
     * {@code type}, which {@code reader} reads. The list is the caller's to change.
     */
    static List<ContentPart> parts(JsonNode node, String path, PartReader reader) {
        if (node == null || node.isNull()) {
            return new ArrayList<>();
        }
        if (node.isTextual()) {
            return new ArrayList<>(List.of(new ContentPart.Text(node.asText())));
        }
        if (!node.isArray()) {
            throw GatewayError.invalid(path, "Invalid type for '" + path + "': expected a string or an array of parts.");
        }
        List<ContentPart> parts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode part = node.get(i);
            String partPath = path + "[" + i + "]";
            String type = part.isObject() ? text(part, "type") : null;
            if (type == null) {
                throw GatewayError.invalid(partPath, "Invalid value for '" + partPath + "': expected a part with a 'type'.");
            }
            reader.read(type, (ObjectNode) part, partPath, parts);
        }
        return parts;
    }

    private static ContentPart.Image image(JsonNode node, String path) {
        String url = node == null ? null : node.isTextual() ? node.asText() : text(node, "url");
        if (url == null) {
            throw GatewayError.invalid(path + ".url", "Missing required parameter: '" + path + ".url'.");
        }
        String detail = node.isObject() ? text(node, "detail") : null;
        return OpenAiImageUrls.toCanonical(url, detail, path + ".url");
    }

    private static List<ToolSpec> tools(ArrayNode node) {
        if (node == null) {
            return List.of();
        }
        List<ToolSpec> tools = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode tool = node.get(i);
            JsonNode fn = tool.get("function");
            if (!tool.isObject() || fn == null || !fn.isObject() || text(fn, "name") == null) {
                if (tool.isObject() && !"function".equals(text(tool, "type"))) {
                    continue; // custom and built-in tools pass through in the source body only
                }
                throw GatewayError.invalid("tools[" + i + "].function", "Invalid value for 'tools[" + i
                        + "]': expected a function tool with a name.");
            }
            JsonNode params = fn.get("parameters");
            JsonNode strict = fn.get("strict");
            tools.add(new ToolSpec(text(fn, "name"), text(fn, "description"),
                    params == null || !params.isObject() ? null : Json.toMap(params),
                    strict == null || !strict.isBoolean() ? null : strict.asBoolean()));
        }
        return tools;
    }

    private static List<String> stop(JsonNode node) {
        return stringOrStrings(node, () -> GatewayError.invalid("stop",
                "Invalid type for 'stop': expected a string or an array of strings."));
    }
}
