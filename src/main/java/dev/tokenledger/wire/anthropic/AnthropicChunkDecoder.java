package dev.tokenledger.wire.anthropic;

import java.util.function.Consumer;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.wire.SseChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/** An Anthropic Messages stream ({@code message_start} … {@code message_stop}) as canonical chunks. */
public final class AnthropicChunkDecoder extends SseChunkDecoder {

    private final AnthropicStreamEvents events = new AnthropicStreamEvents();

    public AnthropicChunkDecoder(StreamLimits limits) {
        super(limits);
    }

    @Override
    protected void onEvent(SseEvent event, Consumer<ChatChunk> sink) {
        events.onEvent(event.type(), event.data(), sink);
    }

    @Override
    protected void onEnd(String partialData, Consumer<ChatChunk> sink) {
        events.onPartial(partialData, sink);
    }

    @Override
    public boolean complete() {
        return events.done();
    }
}
