package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.wire.GeneratedText;
import dev.tokenledger.wire.JsonSsePassthroughRelay;
import dev.tokenledger.wire.StreamLimits;

/**
 * Responses stream to Responses client: every event is forwarded as the upstream's original bytes (event types the
 * gateway does not know included), while a copy is read for the usage of the terminal {@code response.completed} or
 * {@code response.incomplete}, the generated text (text and argument deltas) and the stream's end:
 * {@code response.failed} and {@code error} are forwarded as they came and end it.
 */
public final class OpenAiResponsesPassthroughRelay extends JsonSsePassthroughRelay {

    public OpenAiResponsesPassthroughRelay(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event) {
        if (over()) {
            return;
        }
        ObjectNode data = parse(event);
        if (data == null) {
            return;
        }
        String type = data.path("type").asText(event.type() == null ? "" : event.type());
        switch (type) {
            case "response.completed", "response.incomplete" -> {
                usage = OpenAiResponsesAnswers.read(data.path("response").get("usage"));
                if (usage != null) {
                    usage = usage.withReportedTier(OpenAiUsage.tier(data.path("response").get("service_tier")));
                }
                finished();
            }
            case "response.failed", "error" -> {
                fail(failure(data), event.raw());
                return;
            }
            case "response.output_text.delta", "response.function_call_arguments.delta",
                    "response.custom_tool_call_input.delta", "response.reasoning_text.delta",
                    "response.reasoning_summary_text.delta" ->
                keep(data.path("delta").asText(""));
            default -> {
                // lifecycle, item and future events pass as they came
            }
        }
        out.writeBytes(event.raw());
    }

    private void keep(String delta) {
        if (text.length() < GeneratedText.MAX_CHARS) {
            text.append(delta);
        }
    }

    /** The error a {@code response.failed} or {@code error} event stands for. */
    private static GatewayError failure(ObjectNode data) {
        JsonNode error = data.has("response") ? data.path("response").path("error") : data;
        String message = error.path("message").asText("The upstream failed the response.");
        String code = error.path("code").isTextual() ? error.get("code").asText() : "upstream_error";
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, message, code);
    }

    @Override
    protected void end() {
        finishFraming(); // an unterminated last event is never forwarded; the usage is only in the terminal event
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(errorEvent(error));
    }

    /** The Responses stream's {@code error} event, which OpenAI's SDKs raise as an API error. */
    static byte[] errorEvent(GatewayError error) {
        ObjectNode wire = (ObjectNode) OpenAiErrors.toWire(error).get("error");
        ObjectNode event = Json.NODES.objectNode().put("type", "error");
        event.set("code", wire.get("code"));
        event.set("message", wire.get("message"));
        event.set("param", wire.get("param"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.writeBytes("event: error\ndata: ".getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(Json.write(event));
        bytes.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }
}
