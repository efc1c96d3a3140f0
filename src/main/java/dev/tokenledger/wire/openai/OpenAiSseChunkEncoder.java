package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.ChunkEncoder;

/**
 * Base of the encoders of OpenAI's {@code data:}-framed streams (chat and legacy completions): every chunk starts with
 * the answer's id, creation time and model, taken from its start; the stream ends as {@link OpenAiSse#end} writes it,
 * and an error as OpenAI's error event. The subclass writes the chunks after the start.
 */
abstract class OpenAiSseChunkEncoder implements ChunkEncoder {

    private final boolean includeUsage;
    private String id;
    private String model;
    private long created = System.currentTimeMillis() / 1000;

    /**
     * @param includeUsage whether the client asked for the usage chunk
     * @param id the answer id written when the start names none, or null
     * @param model the model written when the start names none, or null
     */
    protected OpenAiSseChunkEncoder(boolean includeUsage, String id, String model) {
        this.includeUsage = includeUsage;
        this.id = id;
        this.model = model;
    }

    @Override
    public final void encode(ChatChunk chunk, ByteArrayOutputStream out) {
        if (chunk instanceof ChatChunk.Start start) {
            id = start.id() != null ? start.id() : id;
            model = start.model() != null ? start.model() : model;
            created = start.created() > 0 ? start.created() : created;
        } else {
            write(chunk, out);
        }
    }

    /** Writes the events of one chunk after the start, if it has any in this format. */
    protected abstract void write(ChatChunk chunk, ByteArrayOutputStream out);

    /** A new chunk object with the fields every chunk starts with. */
    protected abstract ObjectNode head(String id, long created, String model);

    /** A new chunk object with the fields every chunk of this answer starts with. */
    protected final ObjectNode head() {
        return head(id, created, model);
    }

    @Override
    public final void finish(Usage usage, ByteArrayOutputStream out) {
        OpenAiSse.end(includeUsage, this::head, usage, out);
    }

    @Override
    public final void error(GatewayError error, ByteArrayOutputStream out) {
        out.writeBytes(OpenAiPassthroughRelay.errorEvent(error));
    }
}
