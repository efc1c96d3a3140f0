package dev.tokenledger.gateway;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.admission.Admission;
import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.UpstreamLimits;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.observability.RequestSpan;
import dev.tokenledger.observability.Tracing;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.EmbeddingsCapable;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.routing.CredentialRotation;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.TokenEstimator;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;
import dev.tokenledger.wire.openai.OpenAiEmbeddings;

/** The request path for embeddings: route to a provider that can embed, forward, record usage. */
@ApplicationScoped
public class EmbeddingsPipeline {

    private final ModelRouter router;
    private final UsageRecorder recorder;
    private final TokenEstimator estimator;
    private final Pricer pricer;
    private final Admission admission;
    private final Metered metered;
    private final CredentialRotation credentials;
    private final Tracing tracing;

    @Inject
    public EmbeddingsPipeline(ModelRouter router, UsageRecorder recorder, TokenEstimator estimator, Pricer pricer,
            Admission admission, Metered metered, CredentialRotation credentials, Tracing tracing) {
        this.router = router;
        this.recorder = recorder;
        this.estimator = estimator;
        this.pricer = pricer;
        this.admission = admission;
        this.metered = metered;
        this.credentials = credentials;
        this.tracing = tracing;
    }

    public Uni<byte[]> embed(byte[] body, RequestContext ctx) {
        return Uni.createFrom().deferred(() -> {
            ObjectNode request = OpenAiEmbeddings.parse(body);
            String model = ClientText.model("model", request.get("model").asText());
            String user = ClientText.attribute("user", request.path("user").isTextual()
                    ? request.get("user").asText()
                    : null, ClientText.MAX_ATTRIBUTE);
            Access.checkModel(ctx.principal(), model);
            Target target = router.resolve(model).primary();
            Provider provider = target.provider();
            if (!(provider instanceof EmbeddingsCapable)) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.UNSUPPORTED, "The model '" + model
                        + "' is served by provider '" + provider.id() + "', which does not offer embeddings."));
            }
            long inputTokens = estimator.count(OpenAiEmbeddings.text(request));
            byte[] wire = OpenAiEmbeddings.toWire(request, target.upstreamModel());
            Target[] served = {target};
            RequestSpan span = tracing.embeddings(ctx, model);
            return span.step("admission", admission.admitEmbeddings(ctx, model, inputTokens, target)).chain(() -> {
                ctx.upstreamSent();
                // the provider's credential pool: another member on 401/403/429, as for chat
                return credentials.call(target, member -> {
                    served[0] = member;
                    return span.upstream(member, traceparent -> ((EmbeddingsCapable) member.provider())
                            .embeddings(wire, ctx.requestId(), traceparent));
                })
                        .onItemOrFailure().invoke((reply, failure) -> ctx.upstreamAnswered())
                        .onFailure().invoke(failure -> record(ctx, model, served[0], UsageRecord.Outcome.UPSTREAM_ERROR,
                                failure instanceof GatewayError g ? g.kind() : ErrorKind.UPSTREAM_ERROR, Usage.NONE,
                                user, null, span))
                        .flatMap(reply -> {
                            Usage usage = OpenAiEmbeddings.usage(reply.body());
                            if (usage == null) {
                                usage = new Usage(inputTokens, 0, 0, 0, 0, Usage.Source.ESTIMATED);
                            }
                            return metered.answer(record(ctx, model, served[0], UsageRecord.Outcome.OK, null, usage,
                                    user, reply.limits(), span), reply::body);
                        });
            }).onFailure().invoke(span::failed);
        });
    }

    private CompletionStage<Durability> record(RequestContext ctx, String model, Target target,
            UsageRecord.Outcome outcome, ErrorKind error, Usage usage, String user, UpstreamLimits limits,
            RequestSpan span) {
        PricedUsage priced = pricer.price(target.provider().id(), target.provider().priceProvider(), target.upstreamModel(),
                usage, ctx.arrivedAt());
        UsageRecord record = UsageRecord.builder(ctx.requestId(), ctx.arrivedAt(), ctx.principal())
                .request("openai", model, "embeddings", user)
                .upstream(target.provider().id(), target.provider().type(), target.upstreamModel())
                .credential(target.credentialId())
                .outcome(outcome, error).usage(usage, priced).timing(false, System.nanoTime() - ctx.startNanos(), -1)
                .upstreamLimits(limits).clientRequestId(ctx.clientRequestId()).traceId(ctx.traceId()).build();
        return span.ledger(record, r -> {
            ctx.usage(r);
            return recorder.record(r);
        });
    }
}
