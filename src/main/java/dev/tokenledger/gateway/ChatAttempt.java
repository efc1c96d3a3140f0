package dev.tokenledger.gateway;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tokenledger.cache.CachedAnswer;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.UpstreamLimits;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.observability.RequestSpan;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.ProvisionalUsage;
import dev.tokenledger.usage.TokenEstimator;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;
import dev.tokenledger.wire.InboundCodec;
import dev.tokenledger.wire.UpstreamCodec;
import dev.tokenledger.wire.UpstreamCodecs;

/**
 * One request through its deployments, and its single usage record: failed attempts on other deployments are not
 * billed and get no row of their own; the row names the deployment that answered (or the last one tried).
 */
final class ChatAttempt {

    /** What a cache hit costs: nothing. */
    static final PricedUsage CACHED = new PricedUsage(new Cost(BigDecimal.ZERO, 0, Map.of()), null);

    /**
     * What every attempt uses, from the pipeline.
     *
     * @param defaultMaxOutputTokens the output cap a request without its own is held for
     */
    record Services(UpstreamCodecs codecs, UsageRecorder recorder, TokenEstimator estimator, Pricer pricer,
            ProvisionalUsage provisional, int defaultMaxOutputTokens) {
    }

    /** A usage record handed to the ledger: its price, and when it is durable. */
    record Recorded(PricedUsage priced, CompletionStage<Durability> durable) {
    }

    private final Services services;
    final InboundCodec client;
    final ChatRequest request;
    final RequestContext ctx;
    final RequestSpan span;
    volatile Target target;
    /** Whether a call left for an upstream: a request refused before any did (untranslatable) leaves no ledger row. */
    volatile boolean attempted;
    private final AtomicBoolean recorded = new AtomicBoolean();

    ChatAttempt(Services services, InboundCodec client, ChatRequest request, Target target, RequestContext ctx,
            RequestSpan span) {
        this.services = services;
        this.span = span;
        this.client = client;
        this.request = request;
        this.target = target;
        this.ctx = ctx;
    }

    void use(Target next) {
        target = next;
    }

    /**
     * The format a deployment is spoken to: the client's own when the provider takes it (the body passes through),
     * else the provider's format (the request is translated).
     */
    WireFormat upstreamFormat(Target t) {
        return t.provider().speaks(client.format()) ? client.format() : t.provider().format();
    }

    /** The upstream codec a deployment is spoken to with. */
    UpstreamCodec upstream(Target t) {
        return services.codecs().get(upstreamFormat(t));
    }

    /** Whether a deployment is spoken to in the client's format, so that bytes pass through. */
    boolean passesThrough(Target t) {
        return upstreamFormat(t) == client.format();
    }

    /** The call to one deployment, with the attempt's {@code traceparent} (or null). */
    ChatCall call(Target t, String traceparent) {
        WireFormat format = upstreamFormat(t);
        ctx.translated(format != client.format());
        if (format != client.format()) {
            client.checkTranslatable(request, format);
        }
        ChatCall call = new ChatCall(request, t.upstreamModel(), ctx.requestId(),
                services.codecs().get(format).encodeRequest(request, t.upstreamModel()), format, traceparent);
        attempted = true;
        return call;
    }

    /**
     * Leaves a provisional ledger row as the stream's content starts to leave: if this replica dies before the
     * stream ends, the stream is billed at the worst case its hold reserved (the prompt estimate plus the output
     * cap at this deployment's price). The tokens counted so far die with the replica, and the upstream may go on
     * generating after we are gone, so the reserved worst case is the one figure that is known and never too low.
     */
    void provisional(long firstByteNanos) {
        if (recorded.get()) {
            return;
        }
        long maxOut = request.maxTokens() != null && request.maxTokens() > 0
                ? request.maxTokens()
                : services.defaultMaxOutputTokens();
        Usage worst = new Usage(services.estimator().promptTokens(request), 0, 0, maxOut, 0, Usage.Source.ESTIMATED);
        Provider provider = target.provider();
        PricedUsage priced = services.pricer().price(provider.id(), provider.priceProvider(), target.upstreamModel(), worst,
                ctx.arrivedAt());
        services.provisional().open(usageRecord().upstream(provider.id(), provider.type(), target.upstreamModel())
                .outcome(UsageRecord.Outcome.UPSTREAM_ERROR, null).usage(worst, priced)
                .timing(true, firstByteNanos, firstByteNanos).build());
    }

    void failed(Throwable failure) {
        if (attempted) {
            record(UsageRecord.Outcome.UPSTREAM_ERROR, ChatAttempt.asGatewayError(failure), Usage.NONE, -1, null);
        }
    }

    CompletionStage<Durability> recordCached(CachedAnswer hit, Usage usage, Long savingMicros) {
        return span.ledger(usageRecord().upstream(hit.provider(), hit.providerType(), hit.upstreamModel())
                .usage(usage, CACHED).timing(request.stream(), System.nanoTime() - ctx.startNanos(), -1)
                .cached(savingMicros).clientRequestId(ctx.clientRequestId()).build(), this::recordNow);
    }

    /** The usage record of this request, its client side filled in. */
    private UsageRecord.Builder usageRecord() {
        return UsageRecord.builder(ctx.requestId(), ctx.arrivedAt(), ctx.principal())
                .request(client.format().id(), request.model(), "chat", request.user()).traceId(ctx.traceId());
    }

    /** Hands a usage record to the recorder, and keeps it for the request's access log line. */
    private CompletionStage<Durability> recordNow(UsageRecord record) {
        ctx.usage(record);
        return services.recorder().record(record);
    }

    /**
     * Records the request's usage, once: the first outcome wins (a stream's complete end before its termination, an
     * answer before a cancellation that arrives while it waits to be durable); later calls return null.
     */
    Recorded record(UsageRecord.Outcome outcome, GatewayError error, Usage usage, long firstByteNanos,
            UpstreamLimits limits) {
        if (!recorded.compareAndSet(false, true)) {
            return null;
        }
        Target served = target;
        Provider provider = served.provider();
        PricedUsage priced = services.pricer().price(provider.id(), provider.priceProvider(), served.upstreamModel(), usage,
                ctx.arrivedAt());
        var durable = span.ledger(usageRecord().upstream(provider.id(), provider.type(), served.upstreamModel())
                .credential(served.credentialId()).outcome(outcome, error == null ? null : error.kind())
                .usage(usage, priced).timing(request.stream(), System.nanoTime() - ctx.startNanos(), firstByteNanos)
                .upstreamLimits(limits).clientRequestId(ctx.clientRequestId()).build(), this::recordNow);
        if (request.stream()) {
            services.provisional().close(ctx.requestId());
        }
        return new Recorded(priced, durable);
    }

    static GatewayError asGatewayError(Throwable failure) {
        return failure instanceof GatewayError g
                ? g
                : GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream stream failed.", "upstream_error");
    }
}
