package dev.tokenledger.observability;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.routing.Target;
import dev.tokenledger.usage.UsageRecord;

/**
 * The GenAI span of one request ({@code chat <model>}, with the GenAI semantic-convention attributes) and its
 * children: admission, the cache lookup, each upstream attempt (a client span whose {@code traceparent} goes
 * upstream) and the ledger write. {@link #NONE} does nothing: the request path calls it the same way untraced.
 */
public class RequestSpan {

    /** An untraced request. */
    public static final RequestSpan NONE = new RequestSpan();

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final Span span;
    private final Context context;
    private final String operation;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The model the answer names, when it was read; else the deployment's model is the response model. */
    private volatile String answeredModel;

    private RequestSpan() {
        this.tracer = null;
        this.span = null;
        this.context = null;
        this.operation = null;
    }

    private RequestSpan(Tracer tracer, Span span, Context context, String operation) {
        this.tracer = tracer;
        this.span = span;
        this.context = context;
        this.operation = operation;
    }

    /** The span of a request of {@code operation} ({@code chat}, {@code embeddings}) for a model. */
    static RequestSpan start(Tracer tracer, Context parent, String operation, String model) {
        Span span = tracer.spanBuilder(operation + " " + model).setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, operation)
                .setAttribute(REQUEST_MODEL, model)
                .startSpan();
        return new RequestSpan(tracer, span, parent.with(span), operation);
    }

    static RequestSpan start(Tracer tracer, Context parent, String operation, ChatRequest request) {
        RequestSpan started = start(tracer, parent, operation, request.model());
        Span span = started.span;
        if (request.maxTokens() != null) {
            span.setAttribute(MAX_TOKENS, (long) request.maxTokens());
        }
        if (request.temperature() != null) {
            span.setAttribute(TEMPERATURE, request.temperature());
        }
        if (request.topP() != null) {
            span.setAttribute(TOP_P, request.topP());
        }
        span.setAttribute("gen_ai.request.stream", request.stream());
        return started;
    }

    /** Whether the request is traced: what only its span needs is worth reading then, not otherwise. */
    public boolean traced() {
        return span != null;
    }

    /** A child span around a step of the request (admission, cache lookup). */
    public <T> Uni<T> step(String name, Uni<T> work) {
        if (span == null) {
            return work;
        }
        return Uni.createFrom().deferred(() -> {
            Span child = tracer.spanBuilder(name).setParent(context).startSpan();
            return work.onItemOrFailure().invoke((item, failure) -> {
                if (failure != null) {
                    failed(child, failure);
                } else if (name.startsWith("cache")) {
                    child.setAttribute("tokenledger.cache.hit", item != null);
                }
                child.end();
            }).onCancellation().invoke(child::end);
        });
    }

    /**
     * One upstream attempt as a client span; {@code send} gets the attempt's {@code traceparent} (null untraced) and
     * makes the call. A stream's attempt ends when its first event arrived (or it failed).
     */
    public <T> Uni<T> upstream(Target target, Function<String, Uni<T>> send) {
        if (span == null) {
            return send.apply(null);
        }
        return Uni.createFrom().deferred(() -> {
            Span attempt = tracer.spanBuilder(operation + " " + target.upstreamModel()).setParent(context)
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute(OPERATION, operation)
                    .setAttribute(PROVIDER, providerName(target.provider().type()))
                    .setAttribute(REQUEST_MODEL, target.upstreamModel())
                    .setAttribute("tokenledger.deployment", target.id())
                    .startSpan();
            Map<String, String> carrier = new HashMap<>(2);
            W3CTraceContextPropagator.getInstance().inject(context.with(attempt), carrier, Map::put);
            return send.apply(carrier.get("traceparent")).onItemOrFailure().invoke((item, failure) -> {
                if (failure != null) {
                    failed(attempt, failure);
                }
                attempt.end();
            }).onCancellation().invoke(attempt::end);
        });
    }

    /** The ledger write of the request's usage record as a child span, ending when the row is durable. */
    public <T> CompletionStage<T> ledger(UsageRecord record, Function<UsageRecord, CompletionStage<T>> write) {
        if (span == null) {
            return write.apply(record);
        }
        Span child = tracer.spanBuilder("ledger write").setParent(context).startSpan();
        CompletionStage<T> durable = write.apply(record);
        durable.whenComplete((v, failure) -> {
            if (failure != null) {
                failed(child, failure);
            }
            child.end();
        });
        end(record);
        return durable;
    }

    /** Ends the request span with what the usage record says: the model that answered, tokens, the error. */
    private void end(UsageRecord record) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (record.providerType() != null) {
            span.setAttribute(PROVIDER, providerName(record.providerType()));
        }
        String responseModel = answeredModel != null ? answeredModel : record.upstreamModel();
        if (responseModel != null) {
            span.setAttribute(RESPONSE_MODEL, responseModel);
        }
        span.setAttribute(INPUT_TOKENS, record.usage().promptTokens());
        if (!"embeddings".equals(operation)) {
            span.setAttribute(OUTPUT_TOKENS, record.usage().completionTokens());
        }
        span.setAttribute("tokenledger.request_id", record.requestId());
        span.setAttribute("tokenledger.cached", record.cached());
        if (record.errorKind() != null) {
            span.setAttribute(ERROR_TYPE, record.errorKind().name().toLowerCase());
            span.setStatus(StatusCode.ERROR);
        } else if (record.outcome() == UsageRecord.Outcome.CLIENT_CANCELLED) {
            span.setAttribute(ERROR_TYPE, "client_cancelled");
        }
        span.end();
    }

    /**
     * What the answer says of itself: the model that answered (null when it names none) and why its choices finished.
     */
    public void answered(String model, List<String> finishReasons) {
        if (span == null) {
            return;
        }
        if (model != null && !model.isBlank()) {
            answeredModel = model;
        }
        if (!finishReasons.isEmpty()) {
            span.setAttribute(FINISH_REASONS, finishReasons);
        }
    }

    /** Ends the request span with a failure that left no usage record (a refusal before any upstream). */
    public void failed(Throwable failure) {
        if (span != null && ended.compareAndSet(false, true)) {
            failed(span, failure);
            span.end();
        }
    }

    private static void failed(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(ERROR_TYPE, failure instanceof GatewayError g
                ? g.kind().name().toLowerCase()
                : failure.getClass().getName());
        if (failure instanceof GatewayError g && g.upstreamStatus() > 0) {
            span.setAttribute("http.response.status_code", (long) g.upstreamStatus());
        }
    }

    /** The provider name the GenAI conventions use for a provider type, where they name one. */
    static String providerName(String type) {
        return switch (type) {
            case "gemini" -> "gcp.gemini";
            case "azure-openai" -> "azure.ai.openai";
            default -> type;
        };
    }
}
