package dev.tokenledger.wire.anthropic;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ModelParameterRules;
import dev.tokenledger.wire.SystemPrompts;

/**
 * Builds an Anthropic Messages body from a canonical request that came in another format.
 * <ul>
 * <li>{@code system}/{@code developer} messages, wherever they stand, join the top-level {@code system};</li>
 * <li>consecutive {@code tool} messages become one user turn of {@code tool_result} blocks, followed by the next user
 * message's own blocks, since Anthropic wants every result of a turn's calls in the one next user turn;</li>
 * <li>{@code max_tokens} is required: without a client cap {@value #DEFAULT_MAX_TOKENS} is used (plus the thinking
 * budget when thinking is on);</li>
 * <li>temperature is clamped to Anthropic's 0–1; reasoning effort becomes a thinking budget (low 1024, medium 4096,
 * high 16384, xhigh/max 32000; none/minimal leave thinking off).</li>
 * </ul>
 * What Anthropic cannot express fails with a 400 naming the field: JSON mode without a schema, {@code n > 1}, images
 * with a media type Anthropic does not accept, tool arguments that are not a JSON object.
 */
final class AnthropicRequestBuilder {

    /** The output cap used when the client named none; Anthropic requires one. */
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** Anthropic's smallest thinking budget. */
    static final int MIN_THINKING_BUDGET = 1024;

    private AnthropicRequestBuilder() {
    }

    static ObjectNode build(ChatRequest request, String upstreamModel) {
        rejectUnexpressible(request);
        ObjectNode root = Json.NODES.objectNode();
        root.put("model", upstreamModel);
        Integer budget = thinkingBudget(request);
        root.put("max_tokens", maxTokens(request, budget));
        system(request.messages(), root);
        root.set("messages", messages(request.messages()));
        if (!request.tools().isEmpty()) {
            root.set("tools", AnthropicTools.toWire(request.tools()));
        }
        ObjectNode choice = AnthropicTools.choiceToWire(request.toolChoice(), request.parallelToolCalls(),
                !request.tools().isEmpty());
        if (choice != null) {
            root.set("tool_choice", choice);
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = root.putArray("stop_sequences");
            request.stop().forEach(stop::add);
        }
        if (request.temperature() != null) {
            root.put("temperature", Math.max(0.0, Math.min(1.0, request.temperature())));
        }
        if (request.topP() != null) {
            root.put("top_p", request.topP());
        }
        if (request.user() != null) {
            root.putObject("metadata").put("user_id", request.user());
        }
        if (budget != null) {
            if (budget == 0) {
                root.putObject("thinking").put("type", "disabled");
            } else {
                root.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
            }
        }
        outputFormat(request.responseFormat(), root);
        if (request.stream()) {
            root.put("stream", true);
        }
        ModelParameterRules.apply(WireFormat.ANTHROPIC, upstreamModel, root);
        return root;
    }

    private static void rejectUnexpressible(ChatRequest request) {
        if (request.arrivedIn(WireFormat.OPENAI_CHAT)) {
            Object n = request.extra().get("n");
            if (n instanceof Number number && number.intValue() > 1) {
                throw GatewayError.invalid("n", "'n' > 1 cannot be served by an Anthropic upstream, which returns one "
                        + "answer per request.");
            }
        }
    }

    private static int maxTokens(ChatRequest request, Integer budget) {
        boolean thinking = budget != null && budget > 0;
        if (request.maxTokens() == null) {
            return thinking ? budget + DEFAULT_MAX_TOKENS : DEFAULT_MAX_TOKENS;
        }
        if (thinking && request.maxTokens() <= budget) {
            throw GatewayError.invalid("max_tokens", "The output cap (" + request.maxTokens() + ") must be greater than "
                    + "the thinking budget (" + budget + ") for an Anthropic upstream.");
        }
        return request.maxTokens();
    }

    /** The thinking budget to send: null to leave thinking unset, 0 to turn it off. */
    static Integer thinkingBudget(ChatRequest request) {
        ChatRequest.Reasoning reasoning = request.reasoning();
        if (reasoning == null) {
            return null;
        }
        if (reasoning.budgetTokens() != null) {
            int budget = reasoning.budgetTokens();
            return budget == 0 ? 0 : budget < 0 ? 4096 : Math.max(MIN_THINKING_BUDGET, budget);
        }
        if (reasoning.effort() == null) {
            return null;
        }
        Integer budget = switch (reasoning.effort()) {
            case "none" -> 0;
            case "minimal" -> null;
            case "low" -> 1024;
            case "medium" -> 4096;
            case "high" -> 16384;
            case "xhigh", "max" -> 32000;
            default -> throw GatewayError.invalid("reasoning_effort", "Reasoning effort '" + reasoning.effort()
                    + "' cannot be expressed for an Anthropic upstream.");
        };
        if (budget != null && budget > 0 && request.maxTokens() != null && request.maxTokens() <= budget) {
            // an effort is a wish, not a budget: fit it under the client's cap, or leave thinking off
            budget = request.maxTokens() - 1 >= MIN_THINKING_BUDGET ? request.maxTokens() - 1 : null;
        }
        return budget;
    }

    private static void outputFormat(Map<String, Object> responseFormat, ObjectNode root) {
        if (responseFormat == null) {
            return;
        }
        Object type = responseFormat.get("type");
        if ("text".equals(type)) {
            return;
        }
        if ("json_schema".equals(type) && responseFormat.get("json_schema") instanceof Map<?, ?> jsonSchema
                && jsonSchema.get("schema") instanceof Map<?, ?> schema) {
            root.putObject("output_config").putObject("format").put("type", "json_schema").set("schema",
                    Json.toNode(schema));
            return;
        }
        throw GatewayError.invalid("response_format", "response_format type '" + type + "' cannot be expressed for an "
                + "Anthropic upstream; use {\"type\":\"json_schema\"} with a schema.");
    }

    private static void system(List<Message> messages, ObjectNode root) {
        List<String> texts = SystemPrompts.texts(messages, "an Anthropic upstream");
        if (texts.size() == 1) {
            root.put("system", texts.get(0));
        } else if (!texts.isEmpty()) {
            ArrayNode blocks = root.putArray("system");
            texts.forEach(text -> blocks.addObject().put("type", "text").put("text", text));
        }
    }

    private static ArrayNode messages(List<Message> messages) {
        ArrayNode out = Json.NODES.arrayNode();
        ArrayNode pendingResults = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String path = "messages[" + i + "]";
            if (SystemPrompts.isSystem(m)) {
                continue;
            }
            if ("tool".equals(m.role()) || "function".equals(m.role())) {
                if (pendingResults == null) {
                    pendingResults = out.addObject().put("role", "user").putArray("content");
                }
                pendingResults.add(AnthropicBlocks.toolResultToWire(m, path));
                continue;
            }
            if ("user".equals(m.role())) {
                ArrayNode blocks = AnthropicBlocks.partsToWire(m.content(), path + ".content");
                if (pendingResults != null) {
                    pendingResults.addAll(blocks);
                } else if (blocks.size() == 1 && blocks.get(0).path("type").asText().equals("text")) {
                    out.addObject().put("role", "user").put("content", blocks.get(0).get("text").asText());
                } else {
                    out.addObject().put("role", "user").set("content", blocks);
                }
            } else {
                out.add(assistant(m, path));
            }
            pendingResults = null;
        }
        return out;
    }

    private static ObjectNode assistant(Message m, String path) {
        ArrayNode blocks = AnthropicBlocks.partsToWire(m.content(), path + ".content");
        for (int j = 0; j < m.toolCalls().size(); j++) {
            ToolCall call = m.toolCalls().get(j);
            blocks.add(AnthropicBlocks.toolUseToWire(call, path + ".tool_calls[" + j + "]"));
        }
        ObjectNode node = Json.NODES.objectNode().put("role", "assistant");
        if (blocks.size() == 1 && blocks.get(0).path("type").asText().equals("text")) {
            node.put("content", blocks.get(0).get("text").asText());
        } else {
            node.set("content", blocks);
        }
        return node;
    }
}
