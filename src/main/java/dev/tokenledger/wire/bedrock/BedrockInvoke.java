package dev.tokenledger.wire.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamDecoder;
import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.wire.EventStreamEvents;
import dev.tokenledger.wire.anthropic.AnthropicErrors;

/**
 * Bedrock's InvokeModel for Anthropic's models, which takes and answers the Anthropic Messages format: the body is the
 * Messages body without {@code model} and {@code stream}, with {@code anthropic_version: bedrock-2023-05-31}; the
 * complete answer is a Messages answer as it is; the stream ({@code invoke-with-response-stream}) is an event stream of
 * {@code chunk} frames whose payload {@code {"bytes":"<base64>"}} holds one Anthropic stream event, written back here
 * as the SSE event Anthropic's own API sends, so the Anthropic format's relays read it unchanged. An exception frame
 * becomes Anthropic's {@code error} event.
 */
public final class BedrockInvoke {

    /** The {@code anthropic_version} InvokeModel wants for Anthropic's models. */
    public static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";

    private BedrockInvoke() {
    }

    /** An Anthropic Messages body as an InvokeModel body. */
    public static byte[] toInvokeBody(byte[] messagesBody) {
        ObjectNode root = Json.parseObject(messagesBody);
        root.remove("model");
        root.remove("stream");
        if (!root.has("anthropic_version")) {
            root.put("anthropic_version", ANTHROPIC_VERSION);
        }
        return Json.write(root);
    }

    /** One InvokeModelWithResponseStream answer turned into Anthropic SSE bytes, chunk by chunk. */
    public static final class SseStream {

        private final EventStreamDecoder frames;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private boolean failed;

        /** @param maxFrameBytes the largest frame accepted */
        public SseStream(int maxFrameBytes) {
            this.frames = new EventStreamDecoder(maxFrameBytes);
        }

        /** Event-stream bytes in, the SSE bytes of the frames they complete out (possibly none). */
        public byte[] feed(byte[] chunk) {
            if (failed) {
                return new byte[0];
            }
            out.reset();
            try {
                EventStreamEvents.feed(frames, chunk, this::onFrame);
            } catch (GatewayError e) {
                error(e);
            }
            return out.toByteArray();
        }

        private void onFrame(EventStreamFrame frame) {
            if (frame.failure()) {
                throw BedrockErrors.streamException(frame.exceptionType(), frame.payload());
            }
            if (!"chunk".equals(frame.eventType())) {
                return;
            }
            ObjectNode payload = Json.tryParseObject(frame.payload());
            JsonNode bytes = payload == null ? null : payload.get("bytes");
            if (bytes == null || !bytes.isTextual()) {
                throw EventStreamEvents.broken("a chunk frame without bytes");
            }
            byte[] event;
            try {
                event = Base64.getDecoder().decode(bytes.asText());
            } catch (IllegalArgumentException e) {
                throw EventStreamEvents.broken("a chunk frame whose bytes are not base64");
            }
            ObjectNode data = Json.tryParseObject(event);
            if (data == null) {
                throw EventStreamEvents.broken("a chunk that is not a JSON event");
            }
            write(data.path("type").asText("message"), Json.write(data));
        }

        private void error(GatewayError error) {
            failed = true;
            write("error", AnthropicErrors.encode(error));
        }

        private void write(String type, byte[] data) {
            out.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(data);
            out.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }
}
