package dev.tokenledger.wire.openai;

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
import dev.tokenledger.wire.SamplingFields;

/**
 * Pure writing of a canonical request as an OpenAI Responses API request, for an upstream that serves a model through
 * the Responses API only (GitHub Copilot's Responses-only models): a Responses client's body passes as it came with
 * the model replaced ({@link OpenAiResponsesRequests#toWire}); any other client's request is written here, stateless
 * ({@code store: false}, the whole conversation in {@code input}). Messages keep their order: system and developer
 * messages as {@code input} messages of their role, tool calls as {@code function_call} items, tool results as
 * {@code function_call_output} items. Reasoning parts stay out (they belong to the answer that carried them).
 */
public final class OpenAiResponsesUpstreamRequests {

    /** The Responses API has no stop sequences: a request with some is refused. */
    private static final SamplingFields SAMPLING = new SamplingFields("max_output_tokens", "temperature", "top_p", null);

    private OpenAiResponsesUpstreamRequests() {
    }

    /** The request's body for the Responses API, for an upstream model. */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        if (request.arrivedIn(WireFormat.OPENAI_RESPONSES)) {
            return OpenAiResponsesRequests.toWire(request, upstreamModel);
        }
        if (!request.stop().isEmpty()) {
            throw GatewayError.invalid("stop", "This model is served through the Responses API, which has no stop "
                    + "sequences; send the request without 'stop'.");
        }
        ObjectNode root = Json.NODES.objectNode();
        root.put("model", upstreamModel);
        ArrayNode input = root.putArray("input");
        request.messages().forEach(m -> message(m, input));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = root.putArray("tools");
            request.tools().forEach(t -> tools.add(tool(t)));
        }
        if (request.toolChoice() != null) {
            root.set("tool_choice", choice(request.toolChoice()));
        }
        if (request.parallelToolCalls() != null) {
            root.put("parallel_tool_calls", request.parallelToolCalls());
        }
        SAMPLING.write(request, root);
        if (request.reasoning() != null && request.reasoning().effort() != null) {
            root.putObject("reasoning").put("effort", request.reasoning().effort());
        }
        if (request.responseFormat() != null) {
            format(Json.toNode(request.responseFormat()), root);
        }
        if (request.user() != null) {
            root.put("user", request.user());
        }
        root.put("stream", request.stream());
        root.put("store", false);
        return Json.write(root);
    }

    private static void message(Message m, ArrayNode input) {
        if ("tool".equals(m.role())) {
            input.addObject().put("type", "function_call_output").put("call_id", m.toolCallId()).put("output",
                    text(m));
            return;
        }
        boolean assistant = "assistant".equals(m.role());
        ArrayNode content = Json.NODES.arrayNode();
        for (ContentPart part : m.content() == null ? java.util.List.<ContentPart>of() : m.content()) {
            if (part instanceof ContentPart.Text t) {
                content.addObject().put("type", assistant ? "output_text" : "input_text").put("text", t.text());
            } else if (part instanceof ContentPart.Image image) {
                if (assistant) {
                    throw GatewayError.invalid("messages", "An assistant message with an image cannot be sent to "
                            + "this model's Responses API.");
                }
                ObjectNode node = content.addObject().put("type", "input_image")
                        .put("image_url", OpenAiImageUrls.toWire(image));
                if (image.detail() != null) {
                    node.put("detail", image.detail());
                }
            }
        }
        if (!content.isEmpty()) {
            ObjectNode item = input.addObject().put("type", "message").put("role", m.role());
            item.set("content", content);
        }
        if (m.toolCalls() != null) {
            for (ToolCall call : m.toolCalls()) {
                input.addObject().put("type", "function_call").put("call_id", call.id()).put("name", call.name())
                        .put("arguments", call.arguments() == null ? "" : call.arguments());
            }
        }
    }

    private static String text(Message m) {
        StringBuilder out = new StringBuilder();
        if (m.content() != null) {
            m.content().forEach(p -> {
                if (p instanceof ContentPart.Text t) {
                    out.append(t.text());
                }
            });
        }
        return out.toString();
    }

    private static ObjectNode tool(ToolSpec spec) {
        ObjectNode tool = Json.NODES.objectNode().put("type", "function").put("name", spec.name());
        if (spec.description() != null) {
            tool.put("description", spec.description());
        }
        tool.set("parameters", spec.parameters() == null
                ? Json.NODES.objectNode().put("type", "object")
                : Json.toNode(spec.parameters()));
        if (spec.strict() != null) {
            tool.put("strict", spec.strict());
        }
        return tool;
    }

    /** {@code auto | none | required}, or the chat form of one function, as the Responses API names them. */
    private static JsonNode choice(Object choice) {
        if (choice instanceof String s) {
            return Json.NODES.textNode(s);
        }
        JsonNode node = Json.toNode(choice);
        String name = node.path("function").path("name").asText(node.path("name").asText(""));
        if (!name.isEmpty()) {
            return Json.NODES.objectNode().put("type", "function").put("name", name);
        }
        return node;
    }

    /** Chat's {@code response_format} as the Responses API's {@code text.format}. */
    private static void format(JsonNode format, ObjectNode root) {
        String type = format.path("type").asText("");
        ObjectNode out = Json.NODES.objectNode().put("type", type);
        if ("json_schema".equals(type)) {
            if (format.path("json_schema") instanceof ObjectNode schema) {
                out.setAll(schema); // name, schema, strict, description
            }
        }
        root.putObject("text").set("format", out);
    }
}
