package dev.tokenledger.usage;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;

import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.coherence.StartupTimeline;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.json.Json;

/**
 * Estimates token counts with the {@code o200k_base} tokenizer when an upstream reports none. Message framing follows
 * OpenAI's published accounting (a few tokens per message and for the reply primer); images count at the cost of
 * one high-detail tile set. Estimates are marked as such wherever they are recorded.
 * <p>
 * The tokenizer's table ({@link O200kTokens}: 4.4 MB in three arrays) takes ~0.2 s of CPU to read, so it is read
 * once per process: on the JVM by default on a thread of its own as soon as the HTTP server listens (start-up neither
 * waits for it nor shares the CPU with it, and an event loop waits only when a request needs an estimate before the
 * read is done); with {@code tokenledger.ledger.tokenizer-preload=false} when the first estimate needs it. The native
 * executable reads it while the image is built (its holder is initialised at build time), so it ships in the image
 * heap and costs nothing at start.
 */
@ApplicationScoped
public class TokenEstimator {

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int REPLY_PRIMER = 3;
    private static final int TOKENS_PER_IMAGE = 765;

    /** Holds the tokenizer: read when this class is first initialised, once per process (not per bean or proxy). */
    static final class O200k {
        static final O200kTokens TOKENS = read();

        private static O200kTokens read() {
            readStarted = true;
            O200kTokens tokens = O200kTokens.read();
            StartupTimeline.mark("tokenizer o200k_base read");
            return tokens;
        }
    }

    private static volatile boolean readStarted;

    private final AtomicBoolean preloading = new AtomicBoolean();

    @Inject
    public TokenEstimator(GatewayConfig config) {
        preloading.set(!config.ledger().tokenizerPreload()); // no preload: as if it had started
    }

    void preload(@ObservesAsync HttpServerStart event) {
        preload();
    }

    void preload(@ObservesAsync HttpsServerStart event) {
        preload();
    }

    private void preload() {
        if (preloading.compareAndSet(false, true)) {
            Thread reader = new Thread(() -> O200k.TOKENS.size(), "tokenizer-preload");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Whether this process has started reading the tokenizer (preloaded, or needed by an estimate). */
    static boolean tokenizerReadStarted() {
        return readStarted;
    }

    public long count(CharSequence text) {
        return text == null || text.isEmpty() ? 0 : O200k.TOKENS.count(text.toString());
    }

    public long promptTokens(ChatRequest request) {
        long tokens = REPLY_PRIMER;
        for (Message m : request.messages()) {
            tokens += TOKENS_PER_MESSAGE + count(m.role());
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Text t) {
                    tokens += count(t.text());
                } else {
                    tokens += TOKENS_PER_IMAGE;
                }
            }
            for (ToolCall call : m.toolCalls()) {
                tokens += count(call.name()) + count(call.arguments());
            }
        }
        for (ToolSpec tool : request.tools()) {
            tokens += count(tool.name()) + count(tool.description());
            if (tool.parameters() != null) {
                tokens += count(
                        new String(Json.write(Json.toNode(tool.parameters())), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return tokens;
    }

    /** A usage estimate for a request and the text generated for it. */
    public Usage estimate(ChatRequest request, CharSequence generated) {
        return new Usage(promptTokens(request), 0, 0, count(generated), 0, Usage.Source.ESTIMATED);
    }
}
