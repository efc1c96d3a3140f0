package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/**
 * The framing OpenAI's chat and completions streams share: each event a {@code data:} line of JSON, the usage in a
 * last chunk without choices when the client asked for it, then {@code [DONE]}.
 */
final class OpenAiSse {

    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private OpenAiSse() {
    }

    static void event(ObjectNode event, ByteArrayOutputStream out) {
        out.writeBytes(PREFIX);
        out.writeBytes(Json.write(event));
        out.write('\n');
        out.write('\n');
    }

    /**
     * The end of a stream.
     *
     * @param head the fields a chunk starts with, for the usage chunk
     * @param usage the usage to report, or null when there is none (then no usage chunk)
     */
    static void end(boolean includeUsage, Supplier<ObjectNode> head, Usage usage, ByteArrayOutputStream out) {
        if (includeUsage && usage != null) {
            ObjectNode last = head.get();
            last.putArray("choices");
            last.set("usage", OpenAiUsage.write(usage));
            event(last, out);
        }
        out.writeBytes(DONE);
    }
}
