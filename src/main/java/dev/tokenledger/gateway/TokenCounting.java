package dev.tokenledger.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.TokenCountCapable;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.TokenEstimator;

/**
 * Counts a request's input tokens: the routed upstream counts when it can ({@link TokenCountCapable}); otherwise the
 * gateway estimates with its tokenizer and says so.
 */
@ApplicationScoped
public class TokenCounting {

    /** The response header telling whether a count came from the upstream or from our estimate. */
    public static final String SOURCE_HEADER = "x-tokenledger-token-count";

    private final ModelRouter router;
    private final TokenEstimator estimator;

    @Inject
    public TokenCounting(ModelRouter router, TokenEstimator estimator) {
        this.router = router;
        this.estimator = estimator;
    }

    /**
     * @param inputTokens the count
     * @param estimated whether the gateway estimated it (the upstream offers no counting)
     */
    public record Count(long inputTokens, boolean estimated) {

        /** The value of {@link #SOURCE_HEADER}: {@code estimated} or {@code provider}. */
        public String source() {
            return estimated ? "estimated" : "provider";
        }
    }

    public Uni<Count> count(ChatRequest request, RequestContext ctx) {
        return Uni.createFrom().deferred(() -> {
            Access.checkModel(ctx.principal(), request.model());
            Target target = router.resolve(request.model()).primary();
            if (target.provider() instanceof TokenCountCapable counter) {
                return counter.countTokens(new ChatCall(request, target.upstreamModel(), ctx.requestId()))
                        .map(n -> new Count(n, false));
            }
            return Uni.createFrom().item(new Count(estimator.promptTokens(request), true));
        });
    }
}
