package dev.tokenledger.wire.kiro;

import java.util.ArrayList;
import java.util.List;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.EventStreamChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

/**
 * A complete Kiro answer as the canonical response. Kiro answers every request with an event stream, so a
 * non-streaming call reads the whole stream ({@link KiroStreamEvents}) and gathers its text, reasoning and tool calls
 * into one message.
 */
public final class KiroResponses {

    /** Frames of a complete answer at most this large. */
    private static final StreamLimits LIMITS = new StreamLimits(16 * 1024 * 1024 + 128 * 1024,
            16 * 1024 * 1024 + 128 * 1024);

    private KiroResponses() {
    }

    /** A complete answer body (event-stream frames) as the canonical response. */
    public static ChatResponse toCanonical(byte[] body) {
        List<ChatChunk> chunks = chunks(body);
        String id = null;
        long created = System.currentTimeMillis() / 1000;
        StringBuilder text = new StringBuilder();
        List<ContentPart> reasoning = new ArrayList<>();
        List<String[]> calls = new ArrayList<>();
        List<StringBuilder> arguments = new ArrayList<>();
        String finish = null;
        Usage usage = null;
        for (ChatChunk chunk : chunks) {
            if (chunk instanceof ChatChunk.Start s) {
                id = s.id();
                created = s.created();
            } else if (chunk instanceof ChatChunk.Text t) {
                text.append(t.text());
            } else if (chunk instanceof ChatChunk.Reasoning r) {
                reasoning.add(new ContentPart.Reasoning(r.text(), r.signature(), r.redactedData(), r.family()));
            } else if (chunk instanceof ChatChunk.ToolCallStart c) {
                calls.add(new String[]{c.id(), c.name()});
                arguments.add(new StringBuilder());
            } else if (chunk instanceof ChatChunk.ToolArguments a) {
                arguments.get(a.index()).append(a.fragment());
            } else if (chunk instanceof ChatChunk.Finish f) {
                finish = f.reason();
            } else if (chunk instanceof ChatChunk.UsageReport u) {
                usage = u.usage();
            }
        }
        if (id == null) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream answered with an empty stream.",
                    "upstream_malformed_response");
        }
        List<ContentPart> content = new ArrayList<>(reasoning);
        if (!text.isEmpty()) {
            content.add(new ContentPart.Text(text.toString()));
        }
        List<ToolCall> toolCalls = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            toolCalls.add(new ToolCall(calls.get(i)[0], calls.get(i)[1], arguments.get(i).toString()));
        }
        Message message = new Message("assistant", content, toolCalls, null, null);
        return new ChatResponse(id, null, created, List.of(new ChatResponse.Choice(0, message, finish)), usage, null);
    }

    /** The usage a complete answer reports (fast path); null when it reports none (then it is estimated). */
    public static Usage usage(byte[] body) {
        Usage usage = null;
        for (ChatChunk chunk : chunks(body)) {
            if (chunk instanceof ChatChunk.UsageReport u) {
                usage = u.usage();
            }
        }
        return usage;
    }

    private static List<ChatChunk> chunks(byte[] body) {
        List<ChatChunk> chunks = new ArrayList<>();
        EventStreamChunkDecoder decoder = new EventStreamChunkDecoder(LIMITS, new KiroStreamEvents());
        decoder.decode(body, chunks::add);
        decoder.end(chunks::add);
        return chunks;
    }
}
