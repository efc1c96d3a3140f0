package dev.tokenledger.gateway;

import java.util.List;

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
import dev.tokenledger.observability.Tracing;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.routing.Failover;
import dev.tokenledger.routing.FirstEvent;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Route;
import dev.tokenledger.routing.Target;
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

    private final ModelRouter router;
    private final Failover failover;
    private final ResponseCache cache;
    private final TokenEstimator estimator;
    private final StreamLimits streamLimits;
    private final Pricer pricer;
    private final ChatAttempt.Services services;
    private final Tracing tracing;

    @Inject
    Admission admission;

    @Inject
    Metered metered;

    @Inject
    public ChatPipeline(ModelRouter router, UpstreamCodecs codecs, UsageRecorder recorder, TokenEstimator estimator,
            GatewayConfig config, Pricer pricer, Failover failover, ResponseCache cache, ProvisionalUsage provisional,
            Tracing tracing) {
        this.tracing = tracing;
        this.pricer = pricer;
        this.services = new ChatAttempt.Services(codecs, recorder, estimator, pricer, provisional,
                config.admission().defaultMaxOutputTokens());
        this.router = router;
        this.failover = failover;
        this.cache = cache;
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
            ChatAttempt attempt = new ChatAttempt(services, client, request, primary, ctx, tracing.chat(ctx, request));
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

    private Uni<ClientResponse> complete(ChatAttempt attempt, Route route, CacheKey key) {
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
    private Decoded decode(ChatAttempt attempt, Target target, UpstreamReply reply) {
        UpstreamCodec upstream = attempt.upstream(target);
        if (attempt.passesThrough(target)) {
            byte[] body = reply.body();
            Usage reported = upstream.decodeUsage(body);
            if (reported != null && reported.source() == Usage.Source.PROVIDER) {
                return new Decoded(body, reported, null, reply.limits());
            }
            ChatResponse response = upstream.decodeResponse(body);
            Usage usage = usage(attempt.request, reported, text(response));
            return new Decoded(body, usage, withUsage(response, usage), reply.limits());
        }
        ChatResponse response = upstream.decodeResponse(reply.body());
        // the client is told the usage it is billed for, completed by our estimate where the upstream left it out
        ChatResponse billed = withUsage(response, usage(attempt.request, response.usage(), text(response)));
        return new Decoded(attempt.client.encodeResponse(billed, attempt.request), billed.usage(), billed,
                reply.limits());
    }

    private static ChatResponse withUsage(ChatResponse response, Usage usage) {
        return usage.equals(response.usage())
                ? response
                : new ChatResponse(response.id(), response.model(), response.created(), response.choices(), usage,
                        response.extra());
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
    private Uni<ClientResponse> answer(ChatAttempt attempt, Decoded decoded, CacheKey key) {
        ChatResponse read = decoded.response();
        if (read == null && attempt.span.traced()) {
            // a body passed through unread is read for its span only when the request is traced
            try {
                read = attempt.upstream(attempt.target).decodeResponse(decoded.body());
            } catch (GatewayError e) {
                read = null;
            }
        }
        if (read != null) {
            attempt.span.answered(read.model(), read.choices().stream().map(ChatResponse.Choice::finishReason)
                    .filter(java.util.Objects::nonNull).toList());
        }
        ChatAttempt.Recorded recorded = attempt.record(UsageRecord.Outcome.OK, null, decoded.usage(), -1, decoded.limits());
        remember(attempt, decoded, key);
        return metered.answer(recorded.durable(), () -> ClientResponse.json(200, decoded.body(), Access.costHeader(recorded
                .priced())));
    }

    /** Caches an answer with its canonical form, which any client format can be answered from. */
    private void remember(ChatAttempt attempt, Decoded decoded, CacheKey key) {
        if (!cache.stores(key)) {
            return;
        }
        Provider p = attempt.target.provider();
        ChatResponse response = decoded.response();
        if (response == null) {
            try {
                response = withUsage(attempt.upstream(attempt.target).decodeResponse(decoded.body()), decoded.usage());
            } catch (GatewayError e) {
                return; // an answer that passed through unread is served, not cached
            }
        }
        cache.store(key, new CachedAnswer(attempt.client.format(), decoded.body(), response, p.id(), p.type(),
                p.priceProvider(), attempt.target.upstreamModel()));
    }

    /** A cache hit: no upstream call, a ledger row marked cached with cost zero and the saving. */
    private Uni<ClientResponse> cached(ChatAttempt attempt, CachedAnswer hit, CacheReplay replay) {
        Usage usage = replay.usage() != null ? replay.usage() : estimator.estimate(attempt.request, "");
        PricedUsage would = pricer.price(hit.provider(), hit.priceProvider(), hit.upstreamModel(), usage,
                attempt.ctx.arrivedAt());
        return metered.answer(attempt.recordCached(hit, usage, would.priced() ? would.cost().micros() : null),
                () -> attempt.request.stream()
                        ? ClientResponse.eventStream(Multi.createFrom().item(replay.body()))
                        : ClientResponse.json(200, replay.body(), Access.costHeader(ChatAttempt.CACHED)));
    }

    private static String text(ChatResponse response) {
        StringBuilder sb = new StringBuilder();
        for (ChatResponse.Choice choice : response.choices()) {
            sb.append(choice.message().text());
            choice.message().toolCalls().forEach(c -> sb.append(c.name()).append(c.arguments()));
        }
        return sb.toString();
    }

    private Uni<ClientResponse> stream(ChatAttempt attempt, Route route) {
        attempt.ctx.upstreamSent();
        return failover.route(route, attempt.request, attempt.ctx::header, attempt::use,
                target -> open(attempt, target),
                (upstream, release) -> upstream.withBody(upstream.body().onTermination().invoke(release)))
                .onFailure().invoke(failure -> {
                    attempt.ctx.upstreamAnswered();
                    attempt.failed(failure);
                })
                .map(routed -> ClientResponse.eventStream(
                        relay(attempt, relayFor(attempt, attempt.target), routed.value())));
    }

    /** Opens a stream on one deployment and waits for its first event: up to there, a failure may go elsewhere. */
    private Uni<UpstreamStream> open(ChatAttempt attempt, Target target) {
        Provider provider = target.provider();
        StreamRelay probe = attempt.upstream(target).passthroughRelay(attempt.request, streamLimits);
        return attempt.span.upstream(target, tp -> provider.chatStream(attempt.call(target, tp))
                .flatMap(upstream -> FirstEvent.await(upstream, probe)));
    }

    /** Bytes pass through when both ends speak one format; otherwise each chunk is translated in flight. */
    private StreamRelay relayFor(ChatAttempt attempt, Target target) {
        UpstreamCodec upstream = attempt.upstream(target);
        if (attempt.passesThrough(target)) {
            return upstream.passthroughRelay(attempt.request, streamLimits);
        }
        return new TranslatingRelay(upstream.streamDecoder(attempt.request, streamLimits),
                attempt.client.streamEncoder(attempt.request), text -> estimator.estimate(attempt.request, text));
    }

    private Multi<byte[]> relay(ChatAttempt attempt, StreamRelay relay, UpstreamStream upstream) {
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
                    ChatAttempt.Recorded recorded = attempt.record(UsageRecord.Outcome.OK, null, usage(attempt.request,
                            relay.reportedUsage(), relay.generatedText()), firstByte[0], upstream.limits());
                    if (recorded == null) { // recorded with another outcome before (a cancellation)
                        return Multi.createFrom().item(tail);
                    }
                    return metered.answer(recorded.durable(), () -> tail).toMulti();
                })
                .onFailure().recoverWithItem(failure -> relay.onFailure(ChatAttempt.asGatewayError(failure)))
                .select().where(bytes -> bytes.length > 0)
                .onTermination().invoke((failure, cancelled) -> {
                    UsageRecord.Outcome outcome = relay.complete()
                            ? UsageRecord.Outcome.OK
                            : cancelled ? UsageRecord.Outcome.CLIENT_CANCELLED : UsageRecord.Outcome.UPSTREAM_ERROR;
                    GatewayError error = outcome == UsageRecord.Outcome.UPSTREAM_ERROR ? relay.upstreamError() : null;
                    attempt.record(outcome, error, usage(attempt.request, relay.reportedUsage(),
                            relay.generatedText()), firstByte[0], upstream.limits());
                });
    }

    /**
     * Usage of an answer: what the upstream reported, never less than what we can count ourselves when the report is
     * partial (a stream that was cut, or an upstream that left a count out); our count when it reported units but no
     * tokens.
     */
    private Usage usage(ChatRequest request, Usage reported, CharSequence generated) {
        if (reported != null && reported.source() == Usage.Source.PROVIDER) {
            return reported;
        }
        Usage estimated = estimator.estimate(request, generated);
        if (reported == null) {
            return estimated;
        }
        if (reported.source() == Usage.Source.ESTIMATED) {
            // no token counts, only other units (Kiro's credits): the tokens are ours, the units the upstream's
            return estimated.withDetail(reported.detail());
        }
        return new Usage(Math.max(reported.promptTokens(), estimated.promptTokens()), reported.cachedPromptTokens(),
                reported.cacheWriteTokens(), Math.max(reported.completionTokens(), estimated.completionTokens()),
                reported.reasoningTokens(), Usage.Source.PROVIDER_PARTIAL, reported.detail());
    }
}
