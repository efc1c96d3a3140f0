package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.wire.GeneratedText;
import dev.tokenledger.wire.JsonSsePassthroughRelay;
import dev.tokenledger.wire.StreamLimits;

/**
 * OpenAI chat stream to OpenAI chat client: every event is forwarded as the upstream's original bytes. A copy of each
 * event's data is parsed to read usage and detect errors. The usage-only chunk the gateway asked for on the client's
 * behalf is hidden from a client that did not ask for it.
 */
public final class OpenAiPassthroughRelay extends JsonSsePassthroughRelay {

    private static final String DONE = "[DONE]";

    private final boolean clientWantsUsage;

    public OpenAiPassthroughRelay(boolean clientWantsUsage, StreamLimits limits) {
        super(limits);
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    protected void onEvent(SseEvent event) {
        if (over()) {
            return;
        }
        if (DONE.equals(event.data())) {
            finished();
            out.writeBytes(event.raw());
            return;
        }
        ObjectNode chunk = parse(event);
        if (chunk == null) {
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            fail(OpenAiErrors.inStream(error));
            return;
        }
        Usage reported = OpenAiUsage.read(chunk.get("usage"), chunk.get("service_tier"));
        JsonNode choices = chunk.path("choices");
        collectText(choices);
        if (reported != null) {
            usage = reported;
            if (!clientWantsUsage && choices.isArray() && choices.isEmpty()) {
                return;
            }
        }
        out.writeBytes(event.raw());
    }

    private void collectText(JsonNode choices) {
        if (text.length() > GeneratedText.MAX_CHARS) {
            return;
        }
        for (JsonNode choice : choices) {
            JsonNode delta = choice.path("delta");
            JsonNode content = delta.get("content");
            if (content != null && content.isTextual()) {
                text.append(content.asText());
            }
            JsonNode reasoning = delta.get("reasoning_content");
            if (reasoning != null && reasoning.isTextual()) {
                text.append(reasoning.asText());
            }
            for (JsonNode call : delta.path("tool_calls")) {
                JsonNode fn = call.path("function");
                text.append(fn.path("name").asText("")).append(fn.path("arguments").asText(""));
            }
        }
    }

    @Override
    protected void end() {
        String partial = finishFraming();
        if (partial != null && !done()) {
            // an unterminated last event is never forwarded, but it may still carry the usage
            ObjectNode chunk = Json.tryParseObject(partial);
            if (chunk != null && OpenAiUsage.read(chunk.get("usage")) != null) {
                usage = OpenAiUsage.read(chunk.get("usage"), chunk.get("service_tier"));
            }
        }
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(errorEvent(error));
    }

    /** The error event OpenAI's SDKs raise on: a data event with an {@code error} object, and no {@code [DONE]}. */
    public static byte[] errorEvent(GatewayError error) {
        byte[] json = OpenAiErrors.encode(error);
        byte[] event = new byte[json.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, event, 0, 6);
        System.arraycopy(json, 0, event, 6, json.length);
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }
}
