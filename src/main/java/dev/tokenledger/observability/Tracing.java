package dev.tokenledger.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.http.RequestContext;

/**
 * The gateway's traces (docs/operations.md "Traces"). Off unless {@code tokenledger.tracing.endpoint} is set; then
 * the HTTP server span of each request (made by Quarkus, which also reads a client's {@code traceparent}) gets a GenAI
 * child span per chat request ({@link RequestSpan}). Off, every method returns at once and nothing is allocated.
 */
@ApplicationScoped
public class Tracing {

    /** The response header that carries the trace id of every answer (errors included) while tracing is on. */
    public static final String TRACE_ID_HEADER = "x-trace-id";

    private final Tracer tracer;
    private final boolean enabled;

    @Inject
    public Tracing(Tracer tracer, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled) {
        this.tracer = tracer;
        this.enabled = !disabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Attaches the current trace (the HTTP server span) to a request as it arrives; answers its trace id, or null when
     * tracing is off or there is no valid span.
     */
    public String attach(RequestContext ctx) {
        if (!enabled) {
            return null;
        }
        Context current = Context.current();
        SpanContext span = Span.fromContext(current).getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        ctx.trace(current, span.getTraceId());
        return span.getTraceId();
    }

    /** The GenAI span of one chat request, a child of its HTTP server span; {@link RequestSpan#NONE} when untraced. */
    public RequestSpan chat(RequestContext ctx, ChatRequest request) {
        if (!enabled || ctx.trace() == null) {
            return RequestSpan.NONE;
        }
        return RequestSpan.start(tracer, ctx.trace(), "chat", request);
    }

    /** The GenAI span of one embeddings request for a model; {@link RequestSpan#NONE} when untraced. */
    public RequestSpan embeddings(RequestContext ctx, String model) {
        if (!enabled || ctx.trace() == null) {
            return RequestSpan.NONE;
        }
        return RequestSpan.start(tracer, ctx.trace(), "embeddings", model);
    }
}
