package dev.tokenledger.wire.anthropic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ChunkEncoder;

/**
 * Canonical chunks as an Anthropic Messages stream, in the order Anthropic's SDKs expect: {@code message_start} (with
 * an input-token estimate; the reported counts follow in {@code message_delta}), then per text, thinking or tool-use
 * block a {@code content_block_start}, its deltas and a {@code content_block_stop} with consecutive indexes, then
 * {@code message_delta} (stop reason and final usage) and {@code message_stop}. Thinking of another provider family is
 * dropped: its signature would be rejected when the client sends it back. Only the first choice is written.
 */
public final class AnthropicChunkEncoder implements ChunkEncoder {

    private static final String TEXT = "text";
    private static final String THINKING = "thinking";
    private static final String SIGNED = "signed";
    private static final String TOOL = "tool_use";

    private final String requestedModel;
    private final long inputEstimate;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private int nextIndex;
    private int openIndex = -1;
    private String openType;
    private String finishReason;
    private String stopSequence;

    /**
     * @param requestedModel the model the client named, shown when the upstream names none
     * @param inputEstimate the input tokens reported in {@code message_start} before the upstream's own count
     */
    public AnthropicChunkEncoder(String requestedModel, long inputEstimate) {
        this.requestedModel = requestedModel;
        this.inputEstimate = inputEstimate;
    }

    @Override
    public void encode(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Start s) {
            messageStart(s.id(), s.model(), out);
            return;
        }
        messageStart(null, null, out);
        if (chunk instanceof ChatChunk.Text t && t.choice() == 0) {
            open(TEXT, out);
            writeDelta(openIndex, Json.NODES.objectNode().put("type", "text_delta").put("text", t.text()), out);
        } else if (chunk instanceof ChatChunk.Reasoning r && r.choice() == 0 && AnthropicBlocks.FAMILY.equals(r.family())) {
            reasoning(r, out);
        } else if (chunk instanceof ChatChunk.ToolCallStart s && s.choice() == 0) {
            close(out);
            int index = nextIndex++;
            toolBlocks.put(s.index(), index);
            ObjectNode block = Json.NODES.objectNode().put("type", TOOL)
                    .put("id", s.id() != null ? s.id() : "toolu_tokenledger_" + s.index()).put("name", s.name());
            block.putObject("input");
            blockStart(index, block, out);
            openIndex = index;
            openType = TOOL;
        } else if (chunk instanceof ChatChunk.ToolArguments a && a.choice() == 0) {
            Integer index = toolBlocks.get(a.index());
            if (index != null) {
                writeDelta(index, Json.NODES.objectNode().put("type", "input_json_delta").put("partial_json", a.fragment()),
                        out);
            }
        } else if (chunk instanceof ChatChunk.Finish f && f.choice() == 0) {
            finishReason = f.reason();
            stopSequence = f.stopSequence();
            close(out);
        }
    }

    private void reasoning(ChatChunk.Reasoning r, ByteArrayOutputStream out) {
        if (r.redactedData() != null) {
            close(out);
            int index = nextIndex++;
            blockStart(index, Json.NODES.objectNode().put("type", "redacted_thinking").put("data", r.redactedData()), out);
            write("content_block_stop", Json.NODES.objectNode().put("type", "content_block_stop").put("index", index), out);
            return;
        }
        if (r.text() != null) {
            open(THINKING, out);
            writeDelta(openIndex, Json.NODES.objectNode().put("type", "thinking_delta").put("thinking", r.text()), out);
        }
        if (r.signature() != null) {
            open(THINKING, out);
            writeDelta(openIndex, Json.NODES.objectNode().put("type", "signature_delta").put("signature", r.signature()),
                    out);
            openType = SIGNED; // a signature ends the thinking block: more thinking opens another
        }
    }

    /** Opens a block of the type unless one is open. */
    private void open(String type, ByteArrayOutputStream out) {
        if (type.equals(openType)) {
            return;
        }
        close(out);
        int index = nextIndex++;
        ObjectNode block = Json.NODES.objectNode().put("type", type);
        if (TEXT.equals(type)) {
            block.put("text", "");
        } else {
            block.put("thinking", "").put("signature", "");
        }
        blockStart(index, block, out);
        openIndex = index;
        openType = type;
    }

    private void close(ByteArrayOutputStream out) {
        if (openType != null) {
            write("content_block_stop", Json.NODES.objectNode().put("type", "content_block_stop").put("index", openIndex),
                    out);
            openType = null;
        }
    }

    private void messageStart(String id, String model, ByteArrayOutputStream out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode event = Json.NODES.objectNode().put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", id != null ? id : "msg_tokenledger");
        message.put("type", "message").put("role", "assistant").put("model", model != null ? model : requestedModel);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", AnthropicUsage.write(new Usage(inputEstimate, 0, 0, 0, 0, Usage.Source.ESTIMATED)));
        write("message_start", event, out);
    }

    private void blockStart(int index, ObjectNode block, ByteArrayOutputStream out) {
        ObjectNode event = Json.NODES.objectNode().put("type", "content_block_start").put("index", index);
        event.set("content_block", block);
        write("content_block_start", event, out);
    }

    private void writeDelta(int index, ObjectNode delta, ByteArrayOutputStream out) {
        ObjectNode event = Json.NODES.objectNode().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        write("content_block_delta", event, out);
    }

    @Override
    public void finish(Usage usage, ByteArrayOutputStream out) {
        messageStart(null, null, out);
        close(out);
        ObjectNode event = Json.NODES.objectNode().put("type", "message_delta");
        ObjectNode delta = event.putObject("delta");
        delta.put("stop_reason", AnthropicStopReasons.toWire(finishReason, stopSequence, !toolBlocks.isEmpty()));
        if (stopSequence == null) {
            delta.putNull("stop_sequence");
        } else {
            delta.put("stop_sequence", stopSequence);
        }
        event.set("usage", AnthropicUsage.write(usage));
        write("message_delta", event, out);
        write("message_stop", Json.NODES.objectNode().put("type", "message_stop"), out);
    }

    @Override
    public void error(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(AnthropicPassthroughRelay.errorEvent(error));
    }

    /** One complete event: {@code event: <type>\ndata: <json>\n\n}. */
    static void write(String type, ObjectNode data, ByteArrayOutputStream out) {
        out.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(Json.write(data));
        out.write('\n');
        out.write('\n');
    }
}
