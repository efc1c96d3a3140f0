package dev.tokenledger.wire.bedrock;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.SamplingFields;
import dev.tokenledger.wire.SystemPrompts;
import dev.tokenledger.wire.anthropic.AnthropicRequests;

/**
 * The canonical request as a Bedrock Converse body ({@code POST /model/{modelId}/converse} and
 * {@code /converse-stream}; the model is in the path, not the body).
 * <ul>
 * <li>{@code system}/{@code developer} messages join the top-level {@code system} blocks;</li>
 * <li>a {@code tool} message becomes a {@code toolResult} block; consecutive tool results and the next user message
 * make one user turn, since Converse wants turns to alternate;</li>
 * <li>{@code inferenceConfig} carries the output cap, temperature, top-p and stop sequences;</li>
 * <li>tools become {@code toolConfig.tools[].toolSpec}; tool choice {@code auto} / {@code required} / one named tool
 * become {@code auto} / {@code any} / {@code tool}; {@code none} sends no tools unless the conversation already holds
 * tool blocks (Converse refuses those without a {@code toolConfig});</li>
 * <li>reasoning becomes Anthropic's {@code thinking} in {@code additionalModelRequestFields}, with the same budgets as an
 * Anthropic upstream;</li>
 * <li>an Anthropic client's {@code cache_control} marks become {@code cachePoint} blocks after the system prompt, the
 * tools and each marked turn.</li>
 * </ul>
 * What Converse cannot express fails with a 400 naming the field: image URLs, JSON mode without a schema (a schema
 * becomes {@code outputConfig.textFormat}), tool arguments that are not a JSON object.
 */
public final class BedrockRequests {

    /** The output cap is written apart: it must exceed the thinking budget. */
    private static final SamplingFields SAMPLING = new SamplingFields(null, "temperature", "topP", "stopSequences");

    /** The output cap added to a thinking budget when the client named none. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    private BedrockRequests() {
    }

    /** The Converse body of a canonical request (the upstream model goes in the URL). */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        return Json.write(build(request));
    }

    static ObjectNode build(ChatRequest request) {
        ObjectNode root = Json.NODES.objectNode();
        outputConfig(request.responseFormat(), root);
        BedrockCachePoints marks = BedrockCachePoints.of(request);
        ArrayNode messages = messages(request.messages(), marks);
        root.set("messages", messages);
        ArrayNode system = system(request.messages());
        if (!system.isEmpty()) {
            if (marks.system() != null) {
                system.add(BedrockBlocks.cachePoint(marks.system()));
            }
            root.set("system", system);
        }
        Integer budget = AnthropicRequests.thinkingBudget(request);
        ObjectNode inference = inferenceConfig(request, budget);
        if (!inference.isEmpty()) {
            root.set("inferenceConfig", inference);
        }
        ObjectNode tools = toolConfig(request, hasToolBlocks(messages), marks.tools());
        if (tools != null) {
            root.set("toolConfig", tools);
        }
        if (budget != null) {
            ObjectNode thinking = root.putObject("additionalModelRequestFields").putObject("thinking");
            if (budget == 0) {
                thinking.put("type", "disabled");
            } else {
                thinking.put("type", "enabled").put("budget_tokens", budget);
            }
        }
        return root;
    }

    /**
     * A JSON schema output as Converse's structured output ({@code outputConfig.textFormat}: the schema as a JSON
     * string, with its name and description); JSON mode without a schema has no Converse equivalent.
     */
    private static void outputConfig(Map<String, Object> responseFormat, ObjectNode root) {
        Object type = responseFormat == null ? null : responseFormat.get("type");
        if (type == null || "text".equals(type)) {
            return;
        }
        if ("json_schema".equals(type) && responseFormat.get("json_schema") instanceof Map<?, ?> jsonSchema
                && jsonSchema.get("schema") instanceof Map<?, ?> schema) {
            ObjectNode definition = root.putObject("outputConfig").putObject("textFormat").put("type", "json_schema")
                    .putObject("structure").putObject("jsonSchema");
            definition.put("schema", new String(Json.write(Json.toNode(schema)), StandardCharsets.UTF_8));
            if (jsonSchema.get("name") instanceof String name) {
                definition.put("name", name);
            }
            if (jsonSchema.get("description") instanceof String description) {
                definition.put("description", description);
            }
            return;
        }
        throw GatewayError.invalid("response_format", "response_format type '" + type + "' cannot be expressed for a "
                + "Bedrock Converse upstream; use {\"type\":\"json_schema\"} with a schema.");
    }

    private static ObjectNode inferenceConfig(ChatRequest request, Integer budget) {
        ObjectNode config = Json.NODES.objectNode();
        if (request.maxTokens() != null) {
            if (budget != null && budget > 0 && request.maxTokens() <= budget) {
                throw GatewayError.invalid("max_tokens", "The output cap (" + request.maxTokens() + ") must be greater "
                        + "than the thinking budget (" + budget + ") for a Bedrock upstream.");
            }
            config.put("maxTokens", request.maxTokens());
        } else if (budget != null && budget > 0) {
            config.put("maxTokens", budget + DEFAULT_MAX_TOKENS);
        }
        SAMPLING.write(request, config);
        return config;
    }

    private static ArrayNode system(List<Message> messages) {
        ArrayNode blocks = Json.NODES.arrayNode();
        SystemPrompts.texts(messages, "a Bedrock upstream").forEach(text -> blocks.addObject().put("text", text));
        return blocks;
    }

    /** The turns: consecutive messages of one side (tool results are the user's) make one turn. */
    private static ArrayNode messages(List<Message> messages, BedrockCachePoints marks) {
        ArrayNode out = Json.NODES.arrayNode();
        ArrayNode content = null;
        String side = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String path = "messages[" + i + "]";
            if (SystemPrompts.isSystem(m)) {
                continue;
            }
            boolean tool = "tool".equals(m.role()) || "function".equals(m.role());
            String role = tool || "user".equals(m.role()) ? "user" : "assistant";
            if (!role.equals(side)) {
                side = role;
                content = out.addObject().put("role", role).putArray("content");
            }
            if (tool) {
                content.add(BedrockBlocks.toolResultToWire(m, path));
                continue;
            }
            BedrockBlocks.partsToWire(m.content(), path + ".content", content);
            for (int j = 0; j < m.toolCalls().size(); j++) {
                content.add(BedrockBlocks.toolUseToWire(m.toolCalls().get(j), path + ".tool_calls[" + j + "]"));
            }
        }
        for (int j = 0; j < out.size(); j++) {
            ArrayNode blocks = (ArrayNode) out.get(j).get("content");
            if (blocks.isEmpty()) {
                blocks.addObject().put("text", " ");
            }
            String ttl = marks.turn(j, out.size());
            if (ttl != null) {
                blocks.add(BedrockBlocks.cachePoint(ttl));
            }
        }
        return out;
    }

    private static boolean hasToolBlocks(ArrayNode messages) {
        for (JsonNode turn : messages) {
            for (JsonNode block : turn.path("content")) {
                if (block.has("toolUse") || block.has("toolResult")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ObjectNode toolConfig(ChatRequest request, boolean toolHistory, String cacheTtl) {
        if (request.tools().isEmpty() || "none".equals(request.toolChoice()) && !toolHistory) {
            return null;
        }
        ObjectNode config = Json.NODES.objectNode();
        ArrayNode tools = config.putArray("tools");
        for (ToolSpec tool : request.tools()) {
            ObjectNode spec = tools.addObject().putObject("toolSpec").put("name", tool.name());
            if (tool.description() != null) {
                spec.put("description", tool.description());
            }
            spec.putObject("inputSchema").set("json", tool.parameters() == null
                    ? Json.NODES.objectNode().put("type", "object")
                    : Json.toNode(tool.parameters()));
        }
        if (cacheTtl != null) {
            tools.add(BedrockBlocks.cachePoint(cacheTtl));
        }
        ObjectNode choice = choice(request.toolChoice());
        if (choice != null) {
            config.set("toolChoice", choice);
        }
        return config;
    }

    private static ObjectNode choice(Object toolChoice) {
        ObjectNode choice = Json.NODES.objectNode();
        if (toolChoice == null || "none".equals(toolChoice)) {
            return null;
        }
        if (toolChoice instanceof String s) {
            switch (s) {
                case "auto" -> choice.putObject("auto");
                case "required" -> choice.putObject("any");
                default -> throw GatewayError.invalid("tool_choice", "Invalid value for 'tool_choice': '" + s
                        + "'. Supported values are: 'none', 'auto', 'required'.");
            }
            return choice;
        }
        if (toolChoice instanceof Map<?, ?> map) {
            Object name = map.get("name");
            if (name == null && map.get("function") instanceof Map<?, ?> function) {
                name = function.get("name");
            }
            if (name instanceof String n) {
                choice.putObject("tool").put("name", n);
                return choice;
            }
        }
        throw GatewayError.invalid("tool_choice", "This tool_choice cannot be expressed for a Bedrock upstream; use "
                + "'auto', 'required', 'none' or one named function.");
    }
}
