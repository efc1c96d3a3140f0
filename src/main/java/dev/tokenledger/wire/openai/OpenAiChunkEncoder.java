package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.json.Json;

/**
 * Canonical chunks as an OpenAI chat stream: {@code chat.completion.chunk} events, the usage chunk when the client
 * asked for it ({@code stream_options.include_usage}), then {@code [DONE]}. Reasoning text goes in the
 * {@code reasoning_content} delta field OpenAI-compatible clients read; signatures have no place here and are dropped.
 */
public final class OpenAiChunkEncoder extends OpenAiSseChunkEncoder {

    private final Set<Integer> choicesWithRole = new HashSet<>();
    /** The event being built; written by {@link #flush}. */
    private ObjectNode pending;

    public OpenAiChunkEncoder(boolean includeUsage) {
        super(includeUsage, "chatcmpl-tokenledger", "");
    }

    @Override
    protected void write(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Text t) {
            delta(t.choice()).put("content", t.text());
            flush(out);
        } else if (chunk instanceof ChatChunk.Reasoning r) {
            if (r.text() != null && !r.text().isEmpty()) {
                delta(r.choice()).put("reasoning_content", r.text());
                flush(out);
            }
        } else if (chunk instanceof ChatChunk.ToolCallStart s) {
            ObjectNode call = delta(s.choice()).putArray("tool_calls").addObject();
            call.put("index", s.index()).put("id", s.id()).put("type", "function");
            call.putObject("function").put("name", s.name()).put("arguments", "");
            flush(out);
        } else if (chunk instanceof ChatChunk.ToolArguments a) {
            ObjectNode call = delta(a.choice()).putArray("tool_calls").addObject();
            call.put("index", a.index()).putObject("function").put("arguments", a.fragment());
            flush(out);
        } else if (chunk instanceof ChatChunk.Finish f) {
            ObjectNode choice = choice(f.choice());
            choice.putObject("delta");
            choice.put("finish_reason", f.reason() != null ? f.reason() : "stop");
            flush(out);
        }
    }

    @Override
    protected ObjectNode head(String id, long created, String model) {
        ObjectNode node = Json.NODES.objectNode();
        node.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        return node;
    }

    private ObjectNode choice(int index) {
        pending = head();
        ObjectNode choice = pending.putArray("choices").addObject();
        choice.put("index", index);
        return choice;
    }

    private ObjectNode delta(int index) {
        ObjectNode choice = choice(index);
        ObjectNode delta = choice.putObject("delta");
        if (choicesWithRole.add(index)) {
            delta.put("role", "assistant");
        }
        choice.putNull("finish_reason");
        return delta;
    }

    private void flush(ByteArrayOutputStream out) {
        OpenAiSse.event(pending, out);
    }
}
