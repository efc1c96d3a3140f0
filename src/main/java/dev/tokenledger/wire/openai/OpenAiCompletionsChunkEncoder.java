package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;

/**
 * Canonical chunks as a legacy completions stream: {@code data: {"object":"text_completion","choices":[{"text"}]}}
 * events, one with the finish reason, the usage chunk when the client asked for it, then {@code [DONE]}. Reasoning and
 * tool calls have no place in a text completion and are not written.
 */
public final class OpenAiCompletionsChunkEncoder extends OpenAiSseChunkEncoder {

    public OpenAiCompletionsChunkEncoder(boolean includeUsage) {
        super(includeUsage, null, null);
    }

    @Override
    protected void write(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Text t) {
            write(t.choice(), t.text(), null, out);
        } else if (chunk instanceof ChatChunk.Finish f) {
            write(f.choice(), "", OpenAiCompletionsResponses.finishReason(f.reason()), out);
        }
    }

    private void write(int index, String text, String finishReason, ByteArrayOutputStream out) {
        ObjectNode chunk = head();
        chunk.putArray("choices").add(OpenAiCompletionsResponses.choice(index, text, finishReason));
        OpenAiSse.event(chunk, out);
    }

    @Override
    protected ObjectNode head(String id, long created, String model) {
        return OpenAiCompletionsResponses.head(id, created, model);
    }
}
