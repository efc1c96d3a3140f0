package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.SseChunkDecoder;

/**
 * Canonical chunks as a Responses API stream: {@code event: <type>} + {@code data: <json>} events with an increasing
 * {@code sequence_number}, in the order OpenAI sends them: {@code response.created}, {@code response.in_progress}, then
 * per output item {@code output_item.added}, its part and delta events, {@code output_item.done}, and finally
 * {@code response.completed} (or {@code response.incomplete}) carrying the whole response with its usage. A failure
 * after the stream started ends it with {@code response.failed}. Reasoning text is written as a {@code reasoning} item
 * with {@code reasoning_text} content; an OpenAI item's encrypted content is kept, another family's signature dropped.
 */
public final class OpenAiResponsesChunkEncoder implements ChunkEncoder {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

    /** One output item while it streams. */
    private static final class Item {
        final String type;
        final int outputIndex;
        final String id;
        final StringBuilder text = new StringBuilder();
        String callId;
        String name;
        String encrypted;
        boolean partOpen;

        Item(String type, int outputIndex, String id) {
            this.type = type;
            this.outputIndex = outputIndex;
            this.id = id;
        }
    }

    private final List<ObjectNode> items = new ArrayList<>();
    private final Map<Integer, Item> calls = new TreeMap<>();
    private final Set<Integer> closedCalls = new HashSet<>();
    private Item open;
    private int sequence;
    private boolean started;
    private String reason;
    private String id = OpenAiResponsesResponses.responseId(null);
    private String model = "";
    private long created = System.currentTimeMillis() / 1000;
    private final OpenAiResponsesTools.Declared tools;

    /** An encoder for a request without custom, namespaced or tool-search tools. */
    public OpenAiResponsesChunkEncoder() {
        this(new OpenAiResponsesTools.Declared(List.of(), Map.of()));
    }

    /** @param tools the tools of the request answered, by which calls become the items the client expects */
    OpenAiResponsesChunkEncoder(OpenAiResponsesTools.Declared tools) {
        this.tools = tools;
    }

    @Override
    public void encode(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Start start) {
            id = OpenAiResponsesResponses.responseId(start.id());
            model = start.model() != null ? start.model() : model;
            created = start.created() > 0 ? start.created() : created;
            start(out);
        } else if (chunk instanceof ChatChunk.Text t) {
            text(t.text(), out);
        } else if (chunk instanceof ChatChunk.Reasoning r) {
            reasoning(r, out);
        } else if (chunk instanceof ChatChunk.ToolCallStart s) {
            start(out);
            closeAll("completed", out);
            Item call = newItem("function_call", "fc");
            call.callId = s.id() != null ? s.id() : "call_" + s.index();
            call.name = s.name();
            calls.put(s.index(), call);
            added(call, OpenAiResponsesResponses.callItem(call.id, "in_progress", call.callId, tools.origin(call.name),
                    ""), out);
        } else if (chunk instanceof ChatChunk.ToolArguments a) {
            Item call = calls.get(a.index());
            if (call == null && closedCalls.contains(a.index())) {
                // the Responses format gives each call its own item, done before the next one starts
                throw SseChunkDecoder.protocolError("The upstream interleaved the arguments of parallel tool calls.");
            }
            if (call != null && a.fragment() != null) {
                call.text.append(a.fragment());
                if (tools.origin(call.name).kind() == OpenAiResponsesTools.Kind.FUNCTION) {
                    // a custom tool's input and a search's arguments are whole only once the call is: written then
                    write("response.function_call_arguments.delta", itemEvent(call).put("delta", a.fragment()), out);
                }
            }
        } else if (chunk instanceof ChatChunk.Finish f) {
            start(out);
            reason = f.reason() != null ? f.reason() : "stop";
            closeAll(OpenAiResponsesResponses.itemStatus(reason), out);
        }
    }

    private void start(ByteArrayOutputStream out) {
        if (started) {
            return;
        }
        started = true;
        write("response.created", lifecycle(null, null), out);
        write("response.in_progress", lifecycle(null, null), out);
    }

    private void text(String text, ByteArrayOutputStream out) {
        start(out);
        if (open == null || !"message".equals(open.type)) {
            closeAll("completed", out);
            open = newItem("message", "msg");
            ObjectNode item = OpenAiResponsesResponses.messageItem(open.id, "in_progress", "");
            item.putArray("content");
            added(open, item, out);
            openPart(open, OpenAiResponsesResponses.outputText(""), out);
        }
        open.text.append(text);
        write("response.output_text.delta", partEvent(open).put("delta", text).set("logprobs", Json.NODES.arrayNode()),
                out);
    }

    private void reasoning(ChatChunk.Reasoning r, ByteArrayOutputStream out) {
        start(out);
        boolean hasText = r.text() != null && !r.text().isEmpty();
        if (!hasText && r.signature() == null && r.redactedData() == null) {
            return;
        }
        if (open == null || !"reasoning".equals(open.type)) {
            closeAll("completed", out);
            open = newItem("reasoning", "rs");
            added(open, Json.NODES.objectNode().put("id", open.id).put("type", "reasoning").set("summary",
                    Json.NODES.arrayNode()), out);
        }
        if (hasText) {
            if (!open.partOpen) {
                openPart(open, Json.NODES.objectNode().put("type", "reasoning_text").put("text", ""), out);
            }
            open.text.append(r.text());
            write("response.reasoning_text.delta", partEvent(open).put("delta", r.text()), out);
        }
        if (r.signature() != null || r.redactedData() != null) {
            if (OpenAiResponsesInput.FAMILY.equals(r.family())) {
                open.encrypted = r.redactedData();
            }
            // a signature or redacted data closes the reasoning block
            closeOpen("completed", out);
        }
    }

    private Item newItem(String type, String prefix) {
        Item item = new Item(type, items.size(), OpenAiResponsesResponses.itemId(prefix, id, items.size()));
        items.add(null);
        return item;
    }

    private void added(Item item, ObjectNode snapshot, ByteArrayOutputStream out) {
        items.set(item.outputIndex, snapshot);
        ObjectNode event = Json.NODES.objectNode().put("output_index", item.outputIndex);
        event.set("item", snapshot);
        write("response.output_item.added", event, out);
    }

    private void openPart(Item item, ObjectNode part, ByteArrayOutputStream out) {
        item.partOpen = true;
        write("response.content_part.added", partEvent(item).set("part", part), out);
    }

    private void closeAll(String status, ByteArrayOutputStream out) {
        closeOpen(status, out);
        for (Map.Entry<Integer, Item> entry : calls.entrySet()) {
            Item call = entry.getValue();
            closedCalls.add(entry.getKey());
            OpenAiResponsesTools.Origin origin = tools.origin(call.name);
            String arguments = call.text.toString();
            if (origin.kind() == OpenAiResponsesTools.Kind.FUNCTION) {
                write("response.function_call_arguments.done",
                        itemEvent(call).put("name", origin.name()).put("arguments", arguments), out);
            } else if (origin.kind() == OpenAiResponsesTools.Kind.CUSTOM) {
                String input = OpenAiCustomTools.inputOf(arguments);
                write("response.custom_tool_call_input.delta", itemEvent(call).put("delta", input), out);
                write("response.custom_tool_call_input.done", itemEvent(call).put("input", input), out);
            }
            done(call, OpenAiResponsesResponses.callItem(call.id, status, call.callId, origin, arguments), out);
        }
        calls.clear();
    }

    private void closeOpen(String status, ByteArrayOutputStream out) {
        Item item = open;
        if (item == null) {
            return;
        }
        open = null;
        String text = item.text.toString();
        if ("message".equals(item.type)) {
            write("response.output_text.done", partEvent(item).put("text", text).set("logprobs", Json.NODES.arrayNode()),
                    out);
            write("response.content_part.done", partEvent(item).set("part", OpenAiResponsesResponses.outputText(text)),
                    out);
            done(item, OpenAiResponsesResponses.messageItem(item.id, status, text), out);
            return;
        }
        if (item.partOpen) {
            write("response.reasoning_text.done", partEvent(item).put("text", text), out);
            write("response.content_part.done", partEvent(item).set("part",
                    Json.NODES.objectNode().put("type", "reasoning_text").put("text", text)), out);
        }
        ContentPart.Reasoning part = new ContentPart.Reasoning(item.partOpen ? text : null, null, item.encrypted,
                OpenAiResponsesInput.FAMILY);
        done(item, OpenAiResponsesResponses.reasoningItem(item.id, part), out);
    }

    private void done(Item item, ObjectNode finalItem, ByteArrayOutputStream out) {
        items.set(item.outputIndex, finalItem);
        ObjectNode event = Json.NODES.objectNode().put("output_index", item.outputIndex);
        event.set("item", finalItem);
        write("response.output_item.done", event, out);
    }

    private static ObjectNode itemEvent(Item item) {
        return Json.NODES.objectNode().put("item_id", item.id).put("output_index", item.outputIndex);
    }

    private static ObjectNode partEvent(Item item) {
        return itemEvent(item).put("content_index", 0);
    }

    private ObjectNode lifecycle(String finishReason, Usage usage) {
        ArrayNode output = Json.NODES.arrayNode();
        items.forEach(output::add);
        ObjectNode event = Json.NODES.objectNode();
        event.set("response",
                OpenAiResponsesResponses.response(id, created, model, finishReason != null, finishReason, output, usage));
        return event;
    }

    @Override
    public void finish(Usage usage, ByteArrayOutputStream out) {
        start(out);
        if (reason == null) {
            reason = calls.isEmpty() && closedCalls.isEmpty() ? "stop" : "tool_calls";
        }
        closeAll(OpenAiResponsesResponses.itemStatus(reason), out);
        ObjectNode event = lifecycle(reason, usage);
        write("completed".equals(OpenAiResponsesResponses.status(reason, true))
                ? "response.completed"
                : "response.incomplete", event, out);
    }

    @Override
    public void error(GatewayError error, ByteArrayOutputStream out) {
        start(out);
        ObjectNode event = lifecycle(null, null);
        ObjectNode response = (ObjectNode) event.get("response");
        response.put("status", "failed");
        ObjectNode e = response.putObject("error");
        e.set("code", OpenAiErrors.toWire(error).get("error").get("code"));
        e.put("message", error.getMessage());
        write("response.failed", event, out);
    }

    private void write(String type, ObjectNode fields, ByteArrayOutputStream out) {
        ObjectNode event = Json.NODES.objectNode().put("type", type).put("sequence_number", sequence++);
        event.setAll(fields);
        out.writeBytes(EVENT);
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(DATA);
        out.writeBytes(Json.write(event));
        out.write('\n');
        out.write('\n');
    }
}
