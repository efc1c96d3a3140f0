package dev.tokenledger.gateway;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.admission.Admission;
import dev.tokenledger.cache.CacheKey;
import dev.tokenledger.cache.CacheReplay;
import dev.tokenledger.cache.CachedAnswer;
import dev.tokenledger.cache.ResponseCache;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.UpstreamLimits;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.observability.RequestSpan;
import dev.tokenledger.observability.Tracing;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.routing.Failover;
import dev.tokenledger.routing.FirstEvent;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Route;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.Durability;
import dev.tokenledger.usage.ProvisionalUsage;
import dev.tokenledger.usage.TokenEstimator;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;
import dev.tokenledger.wire.InboundCodec;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.TranslatingRelay;
import dev.tokenledger.wire.UpstreamCodec;
import dev.tokenledger.wire.UpstreamCodecs;

/**
 * The request path for chat, after the inbound API decoded the request: route, call the provider, answer in the
 * client's format, and hand usage to the recorder exactly once. Nothing here knows which format the client spoke
 * beyond its codec.
 */
@ApplicationScoped
public class ChatPipeline {

    /** Marks the end of a stream that the relay ended early (an upstream error inside the stream). */
    private static final byte[] END = new byte[0];

    /** What a cache hit costs: nothing. */
    private static final PricedUsage CACHED = new PricedUsage(
            new Cost(java.math.BigDecimal.ZERO, 0, java.util.Map.of()), null);

    private final ModelRouter router;
    private final Failover failover;
    private final ResponseCache cache;
    private final UpstreamCodecs codecs;
    private final UsageRecorder recorder;
    private final TokenEstimator estimator;
    private final StreamLimits streamLimits;
    private final Pricer pricer;
    private final ProvisionalUsage provisional;
    private final Tracing tracing;
    private final int defaultMaxOutputTokens;

    @Inject
    Admission admission;

    @Inject
    Metered metered;

    @Inject
    public ChatPipeline(ModelRouter router, UpstreamCodecs codecs, UsageRecorder recorder, TokenEstimator estimator,
            GatewayConfig config, Pricer pricer, Failover failover, ResponseCache cache, ProvisionalUsage provisional,
            Tracing tracing) {
        this.pricer = pricer;
        this.tracing = tracing;
        this.provisional = provisional;
        this.defaultMaxOutputTokens = config.admission().defaultMaxOutputTokens();
        this.router = router;
        this.failover = failover;
        this.cache = cache;
        this.codecs = codecs;
        this.recorder = recorder;
        this.estimator = estimator;
        this.streamLimits = new StreamLimits((int) config.streaming().maxLineSize().asLongValue(),
                (int) config.streaming().maxEventSize().asLongValue());
    }

    public Uni<ClientResponse> chat(InboundCodec client, ChatRequest request, RequestContext ctx) {
        return Uni.createFrom().deferred(() -> {
            ClientText.check(request);
            Access.checkModel(ctx.principal(), request.model());
            // a fallback model the key may not use is never reached, nor priced into its hold
            Route route = router.resolve(request.model()).within(ctx.principal()::mayUse);
            Target primary = route.primary();
            Attempt attempt = new Attempt(client, request, primary, ctx, tracing.chat(ctx, request));
            CacheKey key = cache.key(route, request, ctx.principal(), ctx::header);
            return attempt.span.step("admission", admission.admitChat(ctx, request, primary, () -> failover.reachable(route)))
                    .chain(() -> attempt.span.step("cache lookup", cache.lookup(key)))
                    .flatMap(hit -> {
                        CacheReplay replay = hit == null ? null : CacheReplay.render(hit, client, request);
                        if (replay != null) {
                            return cached(attempt, hit, replay);
                        }
                        return request.stream() ? stream(attempt, route) : complete(attempt, route, key);
                    })
                    .onFailure().invoke(failure -> {
                        admission.release(ctx.requestId());
                        attempt.span.failed(failure);
                    });
        });
    }

    private Uni<ClientResponse> complete(Attempt attempt, Route route, CacheKey key) {
        attempt.ctx.upstreamSent();
        return failover.call(route, attempt.request, attempt.ctx::header, attempt::use,
                target -> attempt.span.upstream(target, tp -> target.provider().chat(attempt.call(target, tp)))
                        .map(reply -> decode(attempt, target, reply)))
                .onItemOrFailure().invoke((reply, failure) -> attempt.ctx.upstreamAnswered())
                .flatMap(routed -> answer(attempt, routed.value(), key))
                .onFailure().invoke(failure -> attempt.failed(failure))
                .onCancellation().invoke(() -> attempt.record(UsageRecord.Outcome.CLIENT_CANCELLED, null,
                        estimator.estimate(attempt.request, ""), -1, null));
    }

    /** An upstream answer in the client's format with its usage; fails on a malformed answer (the next deployment may do better). */
    private Decoded decode(Attempt attempt, Target target, UpstreamReply reply) {
        UpstreamCodec upstream = codecs.get(target.provider().format());
        if (upstream.format() == attempt.client.format()) {
            byte[] body = reply.body();
            Usage reported = upstream.decodeUsage(body);
            if (reported != null && reported.source() == Usage.Source.PROVIDER) {
                return new Decoded(body, reported, null, reply.limits());
            }
            ChatResponse response = upstream.decodeResponse(body);
            Usage usage = Answers.billed(estimator, attempt.request, reported, Answers.text(response));
            return new Decoded(body, usage, Answers.withUsage(response, usage), reply.limits());
        }
        ChatResponse response = upstream.decodeResponse(reply.body());
        // the client is told the usage it is billed for, completed by our estimate where the upstream left it out
        ChatResponse billed = Answers.withUsage(response,
                Answers.billed(estimator, attempt.request, response.usage(), Answers.text(response)));
        return new Decoded(attempt.client.encodeResponse(billed), billed.usage(), billed, reply.limits());
    }

    /**
     * A complete answer in the client's format, with what the upstream said of its rate limits.
     *
     * @param response the canonical answer with the billed usage; null when the body passed through and its canonical
     *        form was not needed yet
     */
    private record Decoded(byte[] body, Usage usage, ChatResponse response, UpstreamLimits limits) {
    }

    /** The answer, once its usage is durable in the ledger. */
    private Uni<ClientResponse> answer(Attempt attempt, Decoded decoded, CacheKey key) {
        if (decoded.response() != null) {
            attempt.span.finishReasons(decoded.response().choices().stream().map(ChatResponse.Choice::finishReason)
                    .filter(java.util.Objects::nonNull).toList());
        }
        Recorded recorded = attempt.record(UsageRecord.Outcome.OK, null, decoded.usage(), -1, decoded.limits());
        remember(attempt, decoded, key);
        return metered.answer(recorded.durable(), () -> ClientResponse.json(200, decoded.body(), Access.costHeader(recorded
                .priced())));
    }

    /** Caches an answer with its canonical form, which any client format can be answered from. */
    private void remember(Attempt attempt, Decoded decoded, CacheKey key) {
        if (!cache.stores(key)) {
            return;
        }
        Provider p = attempt.target.provider();
        ChatResponse response = decoded.response();
        if (response == null) {
            try {
                response = Answers.withUsage(codecs.get(p.format()).decodeResponse(decoded.body()), decoded.usage());
            } catch (GatewayError e) {
                return; // an answer that passed through unread is served, not cached
            }
        }
        cache.store(key, new CachedAnswer(attempt.client.format(), decoded.body(), response, p.id(), p.type(),
                p.priceProvider(), attempt.target.upstreamModel()));
    }

    /** A usage record handed to the ledger: its price, and when it is durable. */
    private record Recorded(PricedUsage priced, CompletionStage<Durability> durable) {
    }

    /** A cache hit: no upstream call, a ledger row marked cached with cost zero and the saving. */
    private Uni<ClientResponse> cached(Attempt attempt, CachedAnswer hit, CacheReplay replay) {
        Usage usage = replay.usage() != null ? replay.usage() : estimator.estimate(attempt.request, "");
        PricedUsage would = pricer.price(hit.provider(), hit.priceProvider(), hit.upstreamModel(), usage,
                attempt.ctx.arrivedAt());
        return metered.answer(attempt.recordCached(hit, usage, would.priced() ? would.cost().micros() : null),
                () -> attempt.request.stream()
                        ? ClientResponse.eventStream(Multi.createFrom().item(replay.body()))
                        : ClientResponse.json(200, replay.body(), Access.costHeader(CACHED)));
    }

    private Uni<ClientResponse> stream(Attempt attempt, Route route) {
        attempt.ctx.upstreamSent();
        return failover.route(route, attempt.request, attempt.ctx::header, attempt::use,
                target -> open(attempt, target),
                (upstream, release) -> upstream.withBody(upstream.body().onTermination().invoke(release)))
                .onFailure().invoke(failure -> {
                    attempt.ctx.upstreamAnswered();
                    attempt.failed(failure);
                })
                .map(routed -> ClientResponse.eventStream(
                        relay(attempt, relayFor(attempt, attempt.target.provider()), routed.value())));
    }

    /** Opens a stream on one deployment and waits for its first event: up to there, a failure may go elsewhere. */
    private Uni<UpstreamStream> open(Attempt attempt, Target target) {
        Provider provider = target.provider();
        StreamRelay probe = codecs.get(provider.format()).passthroughRelay(attempt.request, streamLimits);
        return attempt.span.upstream(target, tp -> provider.chatStream(attempt.call(target, tp))
                .flatMap(upstream -> FirstEvent.await(upstream, probe)));
    }

    /** Bytes pass through when both ends speak one format; otherwise each chunk is translated in flight. */
    private StreamRelay relayFor(Attempt attempt, Provider provider) {
        UpstreamCodec upstream = codecs.get(provider.format());
        if (upstream.format() == attempt.client.format()) {
            return upstream.passthroughRelay(attempt.request, streamLimits);
        }
        return new TranslatingRelay(upstream.streamDecoder(attempt.request, streamLimits),
                attempt.client.streamEncoder(attempt.request), text -> estimator.estimate(attempt.request, text));
    }

    private Multi<byte[]> relay(Attempt attempt, StreamRelay relay, UpstreamStream upstream) {
        long[] firstByte = {-1};
        return upstream.body()
                .onItem().invoke(chunk -> {
                    if (firstByte[0] < 0) {
                        firstByte[0] = System.nanoTime() - attempt.ctx.startNanos();
                        attempt.ctx.upstreamAnswered();
                        attempt.provisional(firstByte[0]);
                    }
                })
                .onItem().transformToIterable(chunk -> {
                    byte[] out = relay.onUpstreamBytes(chunk);
                    return relay.upstreamError() != null ? List.of(out, END) : List.of(out);
                })
                .select().first(bytes -> bytes != END)
                .onCompletion().switchTo(() -> {
                    byte[] tail = relay.onUpstreamEnd();
                    if (!relay.complete()) {
                        return Multi.createFrom().item(tail);
                    }
                    // a complete answer's last bytes leave once its usage is durable
                    Recorded recorded = attempt.record(UsageRecord.Outcome.OK, null, Answers.billed(estimator, attempt.request,
                            relay.reportedUsage(), relay.generatedText()), firstByte[0], upstream.limits());
                    if (recorded == null) { // recorded with another outcome before (a cancellation)
                        return Multi.createFrom().item(tail);
                    }
                    return metered.answer(recorded.durable(), () -> tail).toMulti();
                })
                .onFailure().recoverWithItem(failure -> relay.onFailure(Answers.asGatewayError(failure)))
                .select().where(bytes -> bytes.length > 0)
                .onTermination().invoke((failure, cancelled) -> {
                    UsageRecord.Outcome outcome = relay.complete()
                            ? UsageRecord.Outcome.OK
                            : cancelled ? UsageRecord.Outcome.CLIENT_CANCELLED : UsageRecord.Outcome.UPSTREAM_ERROR;
                    GatewayError error = outcome == UsageRecord.Outcome.UPSTREAM_ERROR ? relay.upstreamError() : null;
                    attempt.record(outcome, error, Answers.billed(estimator, attempt.request, relay.reportedUsage(),
                            relay.generatedText()), firstByte[0], upstream.limits());
                });
    }

    /**
     * One request through its deployments, and its single usage record: failed attempts on other deployments are not
     * billed and get no row of their own; the row names the deployment that answered (or the last one tried).
     */
    private final class Attempt {
        final InboundCodec client;
        final ChatRequest request;
        final RequestContext ctx;
        final RequestSpan span;
        volatile Target target;
        volatile boolean attempted;
        private final AtomicBoolean recorded = new AtomicBoolean();

        Attempt(InboundCodec client, ChatRequest request, Target target, RequestContext ctx, RequestSpan span) {
            this.span = span;
            this.client = client;
            this.request = request;
            this.target = target;
            this.ctx = ctx;
        }

        void use(Target next) {
            target = next;
            attempted = true;
        }

        /** The call to one deployment, with the attempt's {@code traceparent} (or null). */
        ChatCall call(Target t, String traceparent) {
            if (t.provider().format() != client.format()) {
                client.checkTranslatable(request, t.provider().format());
            }
            return new ChatCall(request, t.upstreamModel(), ctx.requestId(),
                    codecs.get(t.provider().format()).encodeRequest(request, t.upstreamModel()), traceparent);
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
                    : defaultMaxOutputTokens;
            Usage worst = new Usage(estimator.promptTokens(request), 0, 0, maxOut, 0, Usage.Source.ESTIMATED);
            Provider provider = target.provider();
            PricedUsage priced = pricer.price(provider.id(), provider.priceProvider(), target.upstreamModel(), worst,
                    ctx.arrivedAt());
            provisional.open(usageRecord().upstream(provider.id(), provider.type(), target.upstreamModel())
                    .outcome(UsageRecord.Outcome.UPSTREAM_ERROR, null).usage(worst, priced)
                    .timing(true, firstByteNanos, firstByteNanos).build());
        }

        void failed(Throwable failure) {
            if (attempted) {
                record(UsageRecord.Outcome.UPSTREAM_ERROR, Answers.asGatewayError(failure), Usage.NONE, -1, null);
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
            return recorder.record(record);
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
            PricedUsage priced = pricer.price(provider.id(), provider.priceProvider(), served.upstreamModel(), usage,
                    ctx.arrivedAt());
            var durable = span.ledger(usageRecord().upstream(provider.id(), provider.type(), served.upstreamModel())
                    .credential(served.credentialId()).outcome(outcome, error == null ? null : error.kind())
                    .usage(usage, priced).timing(request.stream(), System.nanoTime() - ctx.startNanos(), firstByteNanos)
                    .upstreamLimits(limits).clientRequestId(ctx.clientRequestId()).build(), this::recordNow);
            if (request.stream()) {
                provisional.close(ctx.requestId());
            }
            return new Recorded(priced, durable);
        }
    }
}
