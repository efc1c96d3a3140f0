package dev.tokenledger.wire.anthropic;

import java.io.ByteArrayOutputStream;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.stream.SseException;
import dev.tokenledger.wire.GeneratedText;
import dev.tokenledger.wire.Json;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;

/**
 * Anthropic stream to Anthropic client: every complete event is forwarded as the upstream's original bytes (pings
 * included), while a copy is read for usage ({@code message_start}, cumulative {@code message_delta}), generated
 * text, the terminal {@code message_stop} and {@code error} events, which are forwarded as they came and end the
 * stream.
 */
public final class AnthropicPassthroughRelay implements StreamRelay {

    private final SseDecoder decoder;
    private final AnthropicStreamEvents events = new AnthropicStreamEvents();
    private final GeneratedText text = new GeneratedText();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private Usage usage;
    private GatewayError upstreamError;

    public AnthropicPassthroughRelay(StreamLimits limits) {
        this.decoder = new SseDecoder(limits.maxLineBytes(), limits.maxEventBytes());
    }

    @Override
    public byte[] onUpstreamBytes(byte[] chunk) {
        out.reset();
        try {
            decoder.feed(chunk, this::onEvent);
        } catch (SseException e) {
            fail(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, e.getMessage(), "upstream_protocol_error"));
        }
        return out.toByteArray();
    }

    private void onEvent(SseEvent event) {
        if (events.done() || upstreamError != null) {
            return;
        }
        try {
            events.onEvent(event.type(), event.data(), this::onChunk);
        } catch (GatewayError e) {
            upstreamError = e;
            // the upstream's own error event is already in this format; anything else gets ours
            out.writeBytes(Json.tryParseObject(event.data()) != null ? event.raw() : errorEvent(e));
            return;
        }
        out.writeBytes(event.raw());
    }

    private void onChunk(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.UsageReport report) {
            usage = report.usage();
        } else {
            text.add(chunk);
        }
    }

    private void fail(GatewayError error) {
        upstreamError = error;
        out.writeBytes(errorEvent(error));
    }

    @Override
    public byte[] onUpstreamEnd() {
        try {
            events.onPartial(decoder.finish(), this::onChunk);
        } catch (SseException e) {
            // an unterminated event that breaks the limits: only its usage mattered
        }
        if (events.done() || upstreamError != null) {
            return new byte[0];
        }
        return onFailure(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                "The upstream closed the stream before it was complete.", "upstream_stream_truncated"));
    }

    @Override
    public byte[] onFailure(GatewayError error) {
        if (events.done() || upstreamError != null) {
            return new byte[0];
        }
        out.reset();
        fail(error);
        return out.toByteArray();
    }

    /** Anthropic's error event, which its SDKs raise as an API error: {@code event: error}. */
    public static byte[] errorEvent(GatewayError error) {
        ByteArrayOutputStream event = new ByteArrayOutputStream(256);
        AnthropicChunkEncoder.write("error", AnthropicErrors.toWire(error), event);
        return event.toByteArray();
    }

    @Override
    public boolean complete() {
        return events.done() && upstreamError == null;
    }

    @Override
    public GatewayError upstreamError() {
        return upstreamError;
    }

    /** The usage reported so far; partial unless the stream completed. */
    @Override
    public Usage reportedUsage() {
        return usage == null || complete() ? usage : usage.withSource(Usage.Source.PROVIDER_PARTIAL);
    }

    @Override
    public CharSequence generatedText() {
        return text.text();
    }
}
