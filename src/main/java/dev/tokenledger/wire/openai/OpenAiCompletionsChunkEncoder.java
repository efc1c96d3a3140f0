package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ChunkEncoder;

/**
 * Canonical chunks as a legacy completions stream: {@code data: {"object":"text_completion","choices":[{"text"}]}}
 * events, one with the finish reason, the usage chunk when the client asked for it, then {@code [DONE]}. Reasoning and
 * tool calls have no place in a text completion and are not written.
 */
public final class OpenAiCompletionsChunkEncoder implements ChunkEncoder {

    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

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
        write(chunk, out);
    }

    private static void write(ObjectNode chunk, ByteArrayOutputStream out) {
        out.writeBytes(PREFIX);
        out.writeBytes(Json.write(chunk));
        out.write('\n');
        out.write('\n');
    }

    @Override
    public void finish(Usage usage, ByteArrayOutputStream out) {
        if (includeUsage) {
            ObjectNode last = OpenAiCompletionsResponses.head(id, created, model);
            last.putArray("choices");
            last.set("usage", OpenAiUsage.write(usage));
            write(last, out);
        }
        out.writeBytes(DONE);
    }

    @Override
    public void error(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(OpenAiPassthroughRelay.errorEvent(error));
    }
}
