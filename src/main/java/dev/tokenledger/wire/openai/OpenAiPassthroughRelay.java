package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.stream.SseException;
import dev.tokenledger.wire.Json;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;

/**
 * OpenAI chat stream to OpenAI chat client: every event is forwarded as the upstream's original bytes. A copy of each
 * event's data is parsed to read usage and detect errors. The usage-only chunk the gateway asked for on the client's
 * behalf is hidden from a client that did not ask for it.
 */
public final class OpenAiPassthroughRelay implements StreamRelay {

    private static final String DONE = "[DONE]";
    /** Generated text kept for estimating usage the upstream does not report. */
    private static final int MAX_TEXT_CHARS = 1 << 20;

    private final SseDecoder decoder;
    private final boolean clientWantsUsage;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private boolean done;
    private Usage usage;
    private GatewayError upstreamError;

    public OpenAiPassthroughRelay(boolean clientWantsUsage, StreamLimits limits) {
        this.clientWantsUsage = clientWantsUsage;
        this.decoder = new SseDecoder(limits.maxLineBytes(), limits.maxEventBytes());
    }

    @Override
    public byte[] onUpstreamBytes(byte[] chunk) {
        out.reset();
        try {
            decoder.feed(chunk, this::onEvent);
        } catch (SseException e) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, e.getMessage(), "upstream_protocol_error");
        }
        return out.toByteArray();
    }

    private void onEvent(SseEvent event) {
        if (done || upstreamError != null) {
            return;
        }
        String data = event.data();
        if (DONE.equals(data)) {
            done = true;
            out.writeBytes(event.raw());
            return;
        }
        ObjectNode chunk = Json.tryParseObject(data);
        if (chunk == null) {
            fail(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream sent a stream event that is not JSON.",
                    "upstream_protocol_error"));
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            String message = error.path("message").asText("The upstream reported an error in the stream.");
            fail(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, message, "upstream_error"));
            return;
        }
        Usage reported = OpenAiUsage.read(chunk.get("usage"));
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
        if (text.length() > MAX_TEXT_CHARS) {
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

    private void fail(GatewayError error) {
        upstreamError = error;
        out.writeBytes(errorEvent(error));
    }

    @Override
    public byte[] onUpstreamEnd() {
        String partial = decoder.finish();
        if (partial != null && !done) {
            // an unterminated last event is never forwarded, but it may still carry the usage
            ObjectNode chunk = Json.tryParseObject(partial);
            if (chunk != null && OpenAiUsage.read(chunk.get("usage")) != null) {
                usage = OpenAiUsage.read(chunk.get("usage"));
            }
        }
        if (done || upstreamError != null) {
            return new byte[0];
        }
        return onFailure(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                "The upstream closed the stream before it was complete.", "upstream_stream_truncated"));
    }

    @Override
    public byte[] onFailure(GatewayError error) {
        if (done || upstreamError != null) {
            return new byte[0];
        }
        upstreamError = error;
        return errorEvent(error);
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

    @Override
    public boolean complete() {
        return done && upstreamError == null;
    }

    @Override
    public GatewayError upstreamError() {
        return upstreamError;
    }

    @Override
    public Usage reportedUsage() {
        if (usage == null) {
            return null;
        }
        return complete() ? usage : usage.withSource(Usage.Source.PROVIDER_PARTIAL);
    }

    @Override
    public CharSequence generatedText() {
        return text;
    }
}
