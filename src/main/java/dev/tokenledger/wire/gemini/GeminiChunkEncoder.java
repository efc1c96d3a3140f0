package dev.tokenledger.wire.gemini;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ChunkEncoder;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.ToolArguments;

/**
 * Canonical chunks as a Gemini stream: one {@code data: <single-line JSON>\r\n\r\n} event per step, a function call
 * as one part once its arguments are complete, and a last event with the finish reason and {@code usageMetadata}.
 * No comments or keep-alives (Google's SDKs fail on them). An error is written as Google does: a bare JSON object.
 */
public final class GeminiChunkEncoder implements ChunkEncoder {

    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Map<Integer, String> finished = new TreeMap<>();
    private final Deque<String> signatures = new ArrayDeque<>();
    private String id;
    private String model;
    private PendingCall call;

    /** A function call whose arguments are still arriving. */
    private record PendingCall(int choice, String id, String name, StringBuilder arguments) {
    }

    @Override
    public void encode(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Start start) {
            id = start.id();
            model = start.model();
        } else if (chunk instanceof ChatChunk.ToolArguments a) {
            if (call != null && a.fragment() != null) {
                call.arguments().append(a.fragment());
            }
            return;
        }
        flushCall(out);
        if (chunk instanceof ChatChunk.Text t) {
            ObjectNode part = Json.NODES.objectNode().put("text", t.text());
            write(t.choice(), part, out);
        } else if (chunk instanceof ChatChunk.Reasoning r) {
            reasoning(r, out);
        } else if (chunk instanceof ChatChunk.ToolCallStart s) {
            call = new PendingCall(s.choice(), s.id(), s.name(), new StringBuilder());
        } else if (chunk instanceof ChatChunk.Finish f) {
            finished.put(f.choice(), GeminiResponses.finishToWire(f.reason()));
        }
    }

    private void reasoning(ChatChunk.Reasoning r, ByteArrayOutputStream out) {
        if (!GeminiContents.FAMILY.equals(r.family())) {
            return; // another family's reasoning cannot be handed to a Gemini client as Gemini thoughts
        }
        if (r.text() == null) {
            if (r.signature() != null) {
                signatures.add(r.signature()); // belongs to the next part
            }
            return;
        }
        ObjectNode part = Json.NODES.objectNode().put("text", r.text()).put("thought", true);
        if (r.signature() != null) {
            part.put("thoughtSignature", r.signature());
        }
        write(r.choice(), part, out);
    }

    private void flushCall(ByteArrayOutputStream out) {
        if (call == null) {
            return;
        }
        PendingCall done = call;
        call = null;
        ObjectNode part = Json.NODES.objectNode();
        ObjectNode fn = part.putObject("functionCall");
        fn.put("name", done.name());
        fn.set("args", ToolArguments.toObject(done.arguments().toString(), () -> SseChunkDecoder.protocolError(
                "The upstream produced tool call arguments that are not a JSON object.")));
        if (done.id() != null && !GeminiToolIds.synthesized(done.id())) {
            fn.put("id", done.id());
        }
        write(done.choice(), part, out);
    }

    private void write(int choice, ObjectNode part, ByteArrayOutputStream out) {
        if (!signatures.isEmpty()) {
            part.put("thoughtSignature", signatures.poll());
        }
        ObjectNode event = Json.NODES.objectNode();
        ObjectNode candidate = event.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").add(part);
        content.put("role", "model");
        candidate.put("index", choice);
        emit(event, out);
    }

    private void emit(ObjectNode event, ByteArrayOutputStream out) {
        if (model != null) {
            event.put("modelVersion", model);
        }
        if (id != null) {
            event.put("responseId", id);
        }
        out.writeBytes(PREFIX);
        out.writeBytes(Json.write(event));
        out.writeBytes(END);
    }

    @Override
    public void finish(Usage usage, ByteArrayOutputStream out) {
        try {
            flushCall(out);
        } catch (GatewayError e) {
            error(e, out);
            return;
        }
        ObjectNode event = Json.NODES.objectNode();
        ArrayNode candidates = event.putArray("candidates");
        if (finished.isEmpty()) {
            finished.put(0, "STOP");
        }
        finished.forEach((choice, reason) -> {
            ObjectNode candidate = candidates.addObject();
            ObjectNode content = candidate.putObject("content");
            ObjectNode part = content.putArray("parts").addObject().put("text", "");
            if (!signatures.isEmpty()) {
                part.put("thoughtSignature", signatures.poll());
            }
            content.put("role", "model");
            candidate.put("finishReason", reason);
            candidate.put("index", choice);
        });
        event.set("usageMetadata", GeminiUsage.write(usage));
        emit(event, out);
    }

    @Override
    public void error(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(errorLine(error));
    }

    /**
     * Google's in-stream error: a bare single-line JSON object, not an SSE event. The HTTP status is long sent, so the
     * code is the upstream's own when it gave one.
     */
    public static byte[] errorLine(GatewayError error) {
        int code = error.upstreamStatus() >= 400 ? error.upstreamStatus() : error.httpStatus();
        byte[] json = Json.write(GeminiErrors.toWire(error, code));
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }
}
