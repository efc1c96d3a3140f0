package dev.tokenledger.wire.anthropic;

import java.io.ByteArrayOutputStream;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.stream.SseException;
import dev.tokenledger.wire.SsePassthroughRelay;
import dev.tokenledger.wire.StreamLimits;

/**
 * Anthropic stream to Anthropic client: every complete event is forwarded as the upstream's original bytes (pings
 * included), while a copy is read for usage ({@code message_start}, cumulative {@code message_delta}), generated
 * text, the terminal {@code message_stop} and {@code error} events, which are forwarded as they came and end the
 * stream.
 */
public final class AnthropicPassthroughRelay extends SsePassthroughRelay {

    private final AnthropicStreamEvents events = new AnthropicStreamEvents();

    public AnthropicPassthroughRelay(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onBrokenFraming(GatewayError error) {
        fail(error);
    }

    @Override
    protected void onEvent(SseEvent event) {
        if (over()) {
            return;
        }
        try {
            events.onEvent(event.type(), event.data(), this::onChunk);
        } catch (GatewayError e) {
            // the upstream's own error event is already in this format; anything else gets ours
            fail(e, Json.tryParseObject(event.data()) != null ? event.raw() : errorEvent(e));
            return;
        }
        out.writeBytes(event.raw());
    }

    private void onChunk(ChatChunk chunk) {
        keep(chunk);
    }

    @Override
    protected void end() {
        try {
            events.onPartial(finishFraming(), this::onChunk);
        } catch (SseException e) {
            // an unterminated event that breaks the limits: only its usage mattered
        }
    }

    @Override
    protected void writeError(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(errorEvent(error));
    }

    /** Anthropic's error event, which its SDKs raise as an API error: {@code event: error}. */
    public static byte[] errorEvent(GatewayError error) {
        ByteArrayOutputStream event = new ByteArrayOutputStream(256);
        AnthropicChunkEncoder.write("error", AnthropicErrors.toWire(error), event);
        return event.toByteArray();
    }

    @Override
    protected boolean done() {
        return events.done();
    }
}
