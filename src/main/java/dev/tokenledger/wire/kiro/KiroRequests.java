package dev.tokenledger.wire.kiro;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.SamplingFields;
import dev.tokenledger.wire.SystemPrompts;
import dev.tokenledger.wire.bedrock.BedrockBlocks;

/**
 * The canonical request as a Kiro {@code generateAssistantResponse} body: {@code conversationState} with the last user
 * turn as {@code currentMessage} and the turns before it as {@code history}, plus {@code inferenceConfig}. The
 * service's rules, as open-source clients report them (the API is not documented):
 * <ul>
 * <li>there is no system field: {@code system}/{@code developer} text goes before the first user turn's text;</li>
 * <li>turns alternate and history starts with a user turn: consecutive messages of one side are merged (tool results
 * are the user's), a placeholder user turn opens a conversation that starts with the assistant, and a placeholder user
 * turn follows a trailing assistant turn;</li>
 * <li>tool results ride in {@code userInputMessageContext.toolResults}, tools in the current message's
 * {@code userInputMessageContext.tools} ({@code toolSpecification} with {@code inputSchema.json}); when the
 * conversation holds tool calls but the request names no tools, stub specifications of the tools it used are sent
 * (the service refuses tool results without them);</li>
 * <li>images are inline bytes ({@code {format, source: {bytes}}}); a message with no text carries a placeholder, since
 * empty content is refused.</li>
 * </ul>
 * The profile ARN belongs to the credential and is added by the adapter. Tool choice, stop sequences and response
 * formats have no field; reasoning parts of earlier turns are not sent back.
 */
public final class KiroRequests {

    /** Kiro has no field for stop sequences. */
    private static final SamplingFields SAMPLING = new SamplingFields("maxTokens", "temperature", "topP", null);

    /** What a turn without text carries. */
    static final String EMPTY = ".";
    /** What opens a conversation that starts with the assistant, or follows a trailing assistant turn. */
    static final String CONTINUE = "Continue.";
    static final String ORIGIN = "AI_EDITOR";

    private KiroRequests() {
    }

    /** The body of a canonical request for an upstream model (without the credential's profile ARN). */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        return Json.write(build(request, upstreamModel, UUID.randomUUID().toString()));
    }

    /** One turn being built: a side and its content. */
    private static final class Turn {
        final boolean user;
        final StringBuilder text = new StringBuilder();
        final ArrayNode images = Json.NODES.arrayNode();
        final ArrayNode toolResults = Json.NODES.arrayNode();
        final ArrayNode toolUses = Json.NODES.arrayNode();

        Turn(boolean user) {
            this.user = user;
        }

        String content() {
            return text.isEmpty() ? EMPTY : text.toString();
        }
    }

    static ObjectNode build(ChatRequest request, String model, String conversationId) {
        List<Turn> turns = turns(request.messages());
        String system = system(request.messages());
        if (turns.isEmpty() || !turns.get(0).user) {
            Turn open = new Turn(true);
            open.text.append(CONTINUE);
            turns.add(0, open);
        }
        if (!turns.get(turns.size() - 1).user) {
            Turn next = new Turn(true);
            next.text.append(CONTINUE);
            turns.add(next);
        }
        if (!system.isEmpty()) {
            Turn first = turns.get(0);
            first.text.insert(0, first.text.isEmpty() ? system : system + "\n\n");
        }
        ObjectNode root = Json.NODES.objectNode();
        ObjectNode state = root.putObject("conversationState");
        state.put("chatTriggerType", "MANUAL");
        state.put("conversationId", conversationId);
        Turn current = turns.get(turns.size() - 1);
        ObjectNode message = userMessage(current, model);
        ArrayNode tools = tools(request, turns);
        if (!tools.isEmpty()) {
            context(message).set("tools", tools);
        }
        state.putObject("currentMessage").set("userInputMessage", message);
        if (turns.size() > 1) {
            ArrayNode history = state.putArray("history");
            for (Turn turn : turns.subList(0, turns.size() - 1)) {
                if (turn.user) {
                    history.addObject().set("userInputMessage", userMessage(turn, model));
                } else {
                    ObjectNode assistant = history.addObject().putObject("assistantResponseMessage");
                    assistant.put("content", turn.content());
                    if (!turn.toolUses.isEmpty()) {
                        assistant.set("toolUses", turn.toolUses);
                    }
                }
            }
        }
        ObjectNode inference = inferenceConfig(request);
        if (!inference.isEmpty()) {
            root.set("inferenceConfig", inference);
        }
        return root;
    }

    private static ObjectNode userMessage(Turn turn, String model) {
        ObjectNode message = Json.NODES.objectNode();
        message.put("content", turn.content());
        message.put("modelId", model);
        message.put("origin", ORIGIN);
        if (!turn.images.isEmpty()) {
            message.set("images", turn.images);
        }
        if (!turn.toolResults.isEmpty()) {
            context(message).set("toolResults", turn.toolResults);
        }
        return message;
    }

    private static ObjectNode context(ObjectNode message) {
        return message.has("userInputMessageContext")
                ? (ObjectNode) message.get("userInputMessageContext")
                : message.putObject("userInputMessageContext");
    }

    private static String system(List<Message> messages) {
        StringBuilder out = new StringBuilder();
        for (String text : SystemPrompts.texts(messages, "a Kiro upstream")) {
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            out.append(text);
        }
        return out.toString();
    }

    /** The turns: consecutive messages of one side (tool results are the user's) make one turn. */
    private static List<Turn> turns(List<Message> messages) {
        List<Turn> turns = new ArrayList<>();
        Turn turn = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (SystemPrompts.isSystem(m)) {
                continue;
            }
            String path = "messages[" + i + "]";
            boolean tool = "tool".equals(m.role()) || "function".equals(m.role());
            boolean user = tool || "user".equals(m.role());
            if (turn == null || turn.user != user) {
                turn = new Turn(user);
                turns.add(turn);
            }
            if (tool) {
                turn.toolResults.add(BedrockBlocks.toolResultToWire(m, path).get("toolResult"));
                continue;
            }
            for (int j = 0; j < m.content().size(); j++) {
                ContentPart part = m.content().get(j);
                if (part instanceof ContentPart.Text t) {
                    turn.text.append(t.text());
                } else if (part instanceof ContentPart.Image img && user) {
                    turn.images.add(BedrockBlocks.imageToWire(img, path + ".content[" + j + "]").get("image"));
                } else if (part instanceof ContentPart.Image) {
                    throw GatewayError.invalid(path + ".content[" + j + "]", "An assistant turn cannot carry an image "
                            + "for a Kiro upstream ('" + path + ".content[" + j + "]').");
                }
                // reasoning of earlier turns is not sent back
            }
            for (int j = 0; j < m.toolCalls().size(); j++) {
                ToolCall call = m.toolCalls().get(j);
                turn.toolUses.add(BedrockBlocks.toolUseToWire(call, path + ".tool_calls[" + j + "]").get("toolUse"));
            }
        }
        return turns;
    }

    /** The request's tools, or stub specifications of the tools the conversation used when it names none. */
    private static ArrayNode tools(ChatRequest request, List<Turn> turns) {
        ArrayNode out = Json.NODES.arrayNode();
        for (ToolSpec tool : request.tools()) {
            ObjectNode spec = out.addObject().putObject("toolSpecification");
            spec.put("name", tool.name());
            spec.put("description", tool.description() == null || tool.description().isBlank()
                    ? tool.name()
                    : tool.description());
            spec.putObject("inputSchema").set("json", tool.parameters() == null
                    ? Json.NODES.objectNode().put("type", "object")
                    : Json.toNode(tool.parameters()));
        }
        if (!out.isEmpty()) {
            return out;
        }
        Set<String> used = new LinkedHashSet<>();
        turns.forEach(t -> t.toolUses.forEach(u -> used.add(u.path("name").asText())));
        for (String name : used) {
            ObjectNode spec = out.addObject().putObject("toolSpecification");
            spec.put("name", name).put("description", name);
            spec.putObject("inputSchema").putObject("json").put("type", "object");
        }
        return out;
    }

    private static ObjectNode inferenceConfig(ChatRequest request) {
        ObjectNode config = Json.NODES.objectNode();
        SAMPLING.write(request, config);
        return config;
    }
}
