package dev.tokenledger.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;

/**
 * What a request needs of a deployment: tool support, image input, a context window large enough. The token count is
 * estimated only when a strategy or a context window asks for it.
 */
final class RequestNeeds {

    /** Output tokens assumed when the request sets no cap, for context and cost estimates. */
    static final long DEFAULT_OUTPUT = 256;

    final boolean tools;
    final boolean images;
    private final LongSupplier promptCounter;
    private final long maxOutput;
    private long promptTokens = -1;

    RequestNeeds(ChatRequest request, LongSupplier promptCounter) {
        this.tools = !request.tools().isEmpty();
        this.images = request.messages().stream().map(Message::content).flatMap(List::stream)
                .anyMatch(p -> p instanceof ContentPart.Image);
        this.promptCounter = promptCounter;
        this.maxOutput = request.maxTokens() == null ? DEFAULT_OUTPUT : request.maxTokens();
    }

    long promptTokens() {
        if (promptTokens < 0) {
            promptTokens = promptCounter.getAsLong();
        }
        return promptTokens;
    }

    long outputTokens() {
        return maxOutput;
    }

    /** Whether the deployment can serve the request apart from its context window. */
    boolean capable(Target target) {
        DeploymentTraits t = target.traits();
        return (!tools || t.supports(DeploymentTraits.TOOLS)) && (!images || t.supports(DeploymentTraits.IMAGES));
    }

    /** What the request needs, for an error message: e.g. {@code " (tools, images)"}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (tools) {
            parts.add("tools");
        }
        if (images) {
            parts.add("images");
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    /** Whether the request fits the deployment's context window. */
    boolean fits(Target target) {
        long window = target.traits().contextWindow();
        return window <= 0 || promptTokens() + maxOutput <= window;
    }
}
