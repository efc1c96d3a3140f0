package dev.tokenledger.gateway;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.admission.Admission;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.TokenEstimator;
import dev.tokenledger.usage.UsageRecord;
import dev.tokenledger.usage.UsageRecorder;
import dev.tokenledger.wire.ChatCodec;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.WireCodecs;

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
    private final WireCodecs codecs;
    private final UsageRecorder recorder;
    private final TokenEstimator estimator;
    private final StreamLimits streamLimits;
    private final Pricer pricer;

    @Inject
    Admission admission;

    @Inject
    public ChatPipeline(ModelRouter router, WireCodecs codecs, UsageRecorder recorder, TokenEstimator estimator,
            GatewayConfig config, Pricer pricer) {
        this.pricer = pricer;
        this.router = router;
        this.codecs = codecs;
        this.recorder = recorder;
        this.estimator = estimator;
        this.streamLimits = new StreamLimits((int) config.streaming().maxLineSize().asLongValue(),
                (int) config.streaming().maxEventSize().asLongValue());
    }

    public Uni<ClientResponse> chat(ChatCodec client, ChatRequest request, RequestContext ctx) {
        return Uni.createFrom().deferred(() -> {
            Access.checkModel(ctx.principal(), request.model());
            Target target = router.resolve(request.model()).primary();
            ChatCall call = new ChatCall(request, target.upstreamModel(), ctx.requestId());
            Attempt attempt = new Attempt(client, request, target, ctx);
            return admission.admitChat(ctx, request, target)
                    .chain(() -> request.stream() ? stream(attempt, call) : complete(attempt, call))
                    .onFailure().invoke(() -> admission.release(ctx.requestId()));
        });
    }

    private Uni<ClientResponse> complete(Attempt attempt, ChatCall call) {
        Provider provider = attempt.target.provider();
        attempt.ctx.upstreamSent();
        return provider.chat(call)
                .onItemOrFailure().invoke((reply, failure) -> attempt.ctx.upstreamAnswered())
                .map(reply -> answer(attempt, reply))
                .onFailure().invoke(failure -> attempt.failed(failure))
                .onCancellation().invoke(() -> attempt.record(UsageRecord.Outcome.CLIENT_CANCELLED, null,
                        estimator.estimate(attempt.request, ""), -1));
    }

    private ClientResponse answer(Attempt attempt, UpstreamReply reply) {
        ChatCodec upstream = codecs.get(attempt.target.provider().format());
        byte[] body;
        Usage usage;
        if (upstream.format() == attempt.client.format()) {
            body = reply.body();
            usage = upstream.decodeUsage(body);
            if (usage == null) {
                usage = estimator.estimate(attempt.request, text(upstream.decodeResponse(body)));
            }
        } else {
            ChatResponse response = upstream.decodeResponse(reply.body());
            usage = response.usage() != null ? response.usage() : estimator.estimate(attempt.request, text(response));
            body = attempt.client.encodeResponse(response);
        }
        PricedUsage priced = attempt.record(UsageRecord.Outcome.OK, null, usage, -1);
        return ClientResponse.json(200, body, Access.costHeader(priced));
    }

    private static String text(ChatResponse response) {
        StringBuilder sb = new StringBuilder();
        for (ChatResponse.Choice choice : response.choices()) {
            sb.append(choice.message().text());
            choice.message().toolCalls().forEach(c -> sb.append(c.name()).append(c.arguments()));
        }
        return sb.toString();
    }

    private Uni<ClientResponse> stream(Attempt attempt, ChatCall call) {
        Provider provider = attempt.target.provider();
        if (provider.format() != attempt.client.format()) {
            return Uni.createFrom().failure(GatewayError.of(ErrorKind.UNSUPPORTED, "Streaming from provider '"
                    + provider.id() + "' to this API is not supported."));
        }
        StreamRelay relay = codecs.get(provider.format()).passthroughRelay(attempt.request, streamLimits);
        attempt.ctx.upstreamSent();
        return provider.chatStream(call)
                .onFailure().invoke(failure -> {
                    attempt.ctx.upstreamAnswered();
                    attempt.failed(failure);
                })
                .map(upstream -> ClientResponse.eventStream(relay(attempt, relay, upstream)));
    }

    private Multi<byte[]> relay(Attempt attempt, StreamRelay relay, UpstreamStream upstream) {
        long[] firstByte = {-1};
        return upstream.body()
                .onItem().invoke(chunk -> {
                    if (firstByte[0] < 0) {
                        firstByte[0] = System.nanoTime() - attempt.ctx.startNanos();
                        attempt.ctx.upstreamAnswered();
                    }
                })
                .onItem().transformToIterable(chunk -> {
                    byte[] out = relay.onUpstreamBytes(chunk);
                    return relay.upstreamError() != null ? List.of(out, END) : List.of(out);
                })
                .select().first(bytes -> bytes != END)
                .onCompletion().switchTo(() -> Multi.createFrom().item(relay.onUpstreamEnd()))
                .onFailure().recoverWithItem(failure -> relay.onFailure(asGatewayError(failure)))
                .select().where(bytes -> bytes.length > 0)
                .onTermination().invoke((failure, cancelled) -> {
                    UsageRecord.Outcome outcome = relay.complete()
                            ? UsageRecord.Outcome.OK
                            : cancelled ? UsageRecord.Outcome.CLIENT_CANCELLED : UsageRecord.Outcome.UPSTREAM_ERROR;
                    GatewayError error = outcome == UsageRecord.Outcome.UPSTREAM_ERROR ? relay.upstreamError() : null;
                    attempt.record(outcome, error, streamUsage(attempt.request, relay), firstByte[0]);
                });
    }

    /** Usage of a stream: what the upstream reported, never less than what we can count ourselves when it was cut. */
    private Usage streamUsage(ChatRequest request, StreamRelay relay) {
        Usage reported = relay.reportedUsage();
        if (reported != null && reported.source() == Usage.Source.PROVIDER) {
            return reported;
        }
        Usage estimated = estimator.estimate(request, relay.generatedText());
        if (reported == null) {
            return estimated;
        }
        return new Usage(Math.max(reported.promptTokens(), estimated.promptTokens()), reported.cachedPromptTokens(),
                reported.cacheWriteTokens(), Math.max(reported.completionTokens(), estimated.completionTokens()),
                reported.reasoningTokens(), Usage.Source.PROVIDER_PARTIAL);
    }

    private static GatewayError asGatewayError(Throwable failure) {
        return failure instanceof GatewayError g
                ? g
                : GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream stream failed.", "upstream_error");
    }

    /** One try of one request against one deployment, and its single usage record. */
    private final class Attempt {
        final ChatCodec client;
        final ChatRequest request;
        final Target target;
        final RequestContext ctx;

        Attempt(ChatCodec client, ChatRequest request, Target target, RequestContext ctx) {
            this.client = client;
            this.request = request;
            this.target = target;
            this.ctx = ctx;
        }

        void failed(Throwable failure) {
            record(UsageRecord.Outcome.UPSTREAM_ERROR, asGatewayError(failure), Usage.NONE, -1);
        }

        PricedUsage record(UsageRecord.Outcome outcome, GatewayError error, Usage usage, long firstByteNanos) {
            Provider provider = target.provider();
            PricedUsage priced = pricer.price(provider.id(), provider.priceProvider(), target.upstreamModel(), usage,
                    ctx.arrivedAt());
            recorder.record(new UsageRecord(ctx.requestId(), ctx.arrivedAt(), ctx.principal(), client.format().id(),
                    request.model(), provider.id(), provider.type(), target.upstreamModel(), outcome,
                    error == null ? null : error.kind(), usage, request.stream(), System.nanoTime() - ctx.startNanos(),
                    firstByteNanos, request.user(), "chat", priced));
            return priced;
        }
    }
}
