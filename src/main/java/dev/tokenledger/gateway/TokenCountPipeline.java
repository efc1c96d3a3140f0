package dev.tokenledger.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.TokenCountCapable;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.TokenEstimator;

/**
 * Counts the input tokens of a request for the count-tokens endpoints: by the upstream when its provider can count,
 * else estimated with the gateway's tokenizer. Nothing is generated, so nothing is metered. Created at start-up: the
 * tokenizer takes a while to load, which must not happen on an event-loop thread.
 */
@Startup
@ApplicationScoped
public class TokenCountPipeline {

    /** Header marking a count the gateway estimated instead of the upstream's tokenizer. */
    public static final String HEADER = "x-tokenledger-token-count";

    /**
     * @param estimated whether the gateway estimated the count
     */
    public record TokenCount(long inputTokens, boolean estimated) {
    }

    private final ModelRouter router;
    private final TokenEstimator estimator;

    @Inject
    public TokenCountPipeline(ModelRouter router, TokenEstimator estimator) {
        this.router = router;
        this.estimator = estimator;
    }

    public Uni<TokenCount> count(ChatRequest request, RequestContext ctx) {
        return Uni.createFrom().deferred(() -> {
            Access.checkModel(ctx.principal(), request.model());
            Target target = router.resolve(request.model()).primary();
            if (target.provider() instanceof TokenCountCapable counting) {
                return counting.countTokens(new ChatCall(request, target.upstreamModel(), ctx.requestId()))
                        .map(tokens -> new TokenCount(tokens, false));
            }
            return Uni.createFrom().item(new TokenCount(estimator.promptTokens(request), true));
        });
    }
}
