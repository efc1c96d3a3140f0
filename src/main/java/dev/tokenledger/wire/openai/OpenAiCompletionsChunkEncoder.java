package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.ChunkEncoder;

/**
 * Canonical chunks as a legacy completions stream: {@code data: {"object":"text_completion","choices":[{"text"}]}}
 * events, one with the finish reason, the usage chunk when the client asked for it, then {@code [DONE]}. Reasoning and
 * tool calls have no place in a text completion and are not written.
 */
public final class OpenAiCompletionsChunkEncoder implements ChunkEncoder {

    private final boolean includeUsage;
    private String id;
    private String model;
    private long created = System.currentTimeMillis() / 1000;

    public OpenAiCompletionsChunkEncoder(boolean includeUsage) {
        this.includeUsage = includeUsage;
    }

    @Override
    public void encode(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Start start) {
            id = start.id();
            model = start.model();
            created = start.created() > 0 ? start.created() : created;
        } else if (chunk instanceof ChatChunk.Text t) {
            write(t.choice(), t.text(), null, out);
        } else if (chunk instanceof ChatChunk.Finish f) {
            write(f.choice(), "", OpenAiCompletionsResponses.finishReason(f.reason()), out);
        }
    }

    private void write(int index, String text, String finishReason, ByteArrayOutputStream out) {
        ObjectNode chunk = OpenAiCompletionsResponses.head(id, created, model);
        chunk.putArray("choices").add(OpenAiCompletionsResponses.choice(index, text, finishReason));
        OpenAiSse.event(chunk, out);
    }

    @Override
    public void finish(Usage usage, ByteArrayOutputStream out) {
        OpenAiSse.end(includeUsage, () -> OpenAiCompletionsResponses.head(id, created, model), usage, out);
    }

    @Override
    public void error(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(OpenAiPassthroughRelay.errorEvent(error));
    }
}
