package dev.tokenledger.gateway;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.admission.Admission;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.TokenCountCapable;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.TokenEstimator;

/**
 * Counts a request's input tokens: the routed upstream counts when it can ({@link TokenCountCapable}); otherwise the
 * gateway estimates with its tokenizer and says so. A count is admitted like a request (it takes one of the key's
 * requests per minute and a concurrency slot while it runs, no tokens or budget), and the body is decoded and
 * tokenised on a worker thread: a large body never stalls the event loop that serves everyone else.
 */
@ApplicationScoped
public class TokenCounting {

    /** The response header telling whether a count came from the upstream or from our estimate. */
    public static final String SOURCE_HEADER = "x-tokenledger-token-count";

    private final ModelRouter router;
    private final TokenEstimator estimator;
    private final Admission admission;
    private final Vertx vertx;

    @Inject
    public TokenCounting(ModelRouter router, TokenEstimator estimator, Admission admission, Vertx vertx) {
        this.router = router;
        this.estimator = estimator;
        this.admission = admission;
        this.vertx = vertx;
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

    /** Counts a request decoded from its body by {@code decode}, which runs on a worker thread. */
    public Uni<Count> count(Supplier<ChatRequest> decode, RequestContext ctx) {
        return vertx.executeBlocking(Uni.createFrom().item(decode), false).flatMap(request -> count(request, ctx));
    }

    public Uni<Count> count(ChatRequest request, RequestContext ctx) {
        return Uni.createFrom().deferred(() -> {
            ClientText.check(request);
            Access.checkModel(ctx.principal(), request.model());
            Target target = router.resolve(request.model()).primary();
            return admission.admitCount(ctx, request.model(), target)
                    .chain(() -> counted(request, target, ctx))
                    .eventually(() -> admission.release(ctx.requestId()));
        });
    }

    private Uni<Count> counted(ChatRequest request, Target target, RequestContext ctx) {
        if (target.provider() instanceof TokenCountCapable counter) {
            return counter.countTokens(new ChatCall(request, target.upstreamModel(), ctx.requestId()))
                    .map(n -> new Count(n, false));
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> new Count(estimator.promptTokens(request), true)),
                false);
    }
}
