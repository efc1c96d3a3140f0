package dev.tokenledger.http;

import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.auth.Principal;

/**
 * Per-request state shared along the request path: the request id, when the request arrived, who is calling, and how
 * long was spent waiting on upstreams (so the gateway's own overhead can be told apart).
 */
public final class RequestContext {

    private static final String KEY = "tokenledger.request";

    private final String requestId;
    private final String clientRequestId;
    private final long startNanos;
    private final java.time.Instant arrivedAt = java.time.Instant.now();
    private volatile Principal principal = Principal.ANONYMOUS;
    private volatile long upstreamNanos;
    private volatile long upstreamSentAt;
    private volatile long overheadNanos = -1;
    private volatile io.vertx.core.MultiMap headers;
    /** The request's OpenTelemetry context and trace id, while tracing is on; else null. */
    private volatile io.opentelemetry.context.Context trace;
    private volatile String traceId;
    /** What the access log line reports of the request's usage, once it is known; else null. */
    private volatile dev.tokenledger.usage.UsageRecord usage;
    /** Whether the last upstream call was translated into another format than the client's; null before a call. */
    private volatile Boolean translated;
    /** Headers decided along the way for the answer, in order; guarded by this. */
    private java.util.Map<String, String> responseHeaders;

    public RequestContext(String requestId, long startNanos) {
        this(requestId, startNanos, null);
    }

    /**
     * @param requestId the id the gateway minted: the key of the request's ledger row, hold, slot and settlement
     * @param clientRequestId the client's own {@code x-request-id} (already checked by {@link RequestIds#acceptable}),
     *        kept for correlation only, or null
     */
    public RequestContext(String requestId, long startNanos, String clientRequestId) {
        this.requestId = requestId;
        this.startNanos = startNanos;
        this.clientRequestId = clientRequestId;
    }

    public static RequestContext attach(RoutingContext rc, RequestContext ctx) {
        rc.put(KEY, ctx);
        ctx.headers = rc.request().headers();
        return ctx;
    }

    /** A request header (first value), or null. */
    public String header(String name) {
        io.vertx.core.MultiMap h = headers;
        return h == null ? null : h.get(name);
    }

    /** The context of a request; one is created if no filter attached it (e.g. in a plain route). */
    public static RequestContext of(RoutingContext rc) {
        RequestContext ctx = rc.get(KEY);
        if (ctx == null) {
            ctx = attach(rc, new RequestContext(RequestIds.next(), System.nanoTime()));
        }
        return ctx;
    }

    public String requestId() {
        return requestId;
    }

    /** The client's own request id, a correlation attribute only (never a key), or null. */
    public String clientRequestId() {
        return clientRequestId;
    }

    /** Wall-clock arrival time: the time prices and the ledger refer to. */
    public java.time.Instant arrivedAt() {
        return arrivedAt;
    }

    public long startNanos() {
        return startNanos;
    }

    public Principal principal() {
        return principal;
    }

    public void principal(Principal principal) {
        this.principal = principal;
    }

    /** Sets the trace the request belongs to (the HTTP server span's context). */
    public void trace(io.opentelemetry.context.Context context, String traceId) {
        this.trace = context;
        this.traceId = traceId;
    }

    /** The request's OpenTelemetry context, or null when it is not traced. */
    public io.opentelemetry.context.Context trace() {
        return trace;
    }

    /** The request's W3C trace id, or null when it is not traced. */
    public String traceId() {
        return traceId;
    }

    /** Keeps the request's usage record for its access log line. */
    public void usage(dev.tokenledger.usage.UsageRecord record) {
        this.usage = record;
    }

    /** The request's usage record, or null when none was made (yet). */
    public dev.tokenledger.usage.UsageRecord usage() {
        return usage;
    }

    /** Notes whether the call being made upstream is translated into another format than the client's. */
    public void translated(boolean translated) {
        this.translated = translated;
    }

    /**
     * Whether the answer came from an upstream of another format than the client's (translated): true or false once
     * an upstream was called, null when none was (e.g. an answer from the response cache).
     */
    public Boolean translated() {
        return translated;
    }

    /** Marks the moment a request was sent upstream. */
    public void upstreamSent() {
        upstreamSentAt = System.nanoTime();
    }

    /** Marks the moment the upstream's answer (or a stream's first bytes) arrived; adds the wait to the total. */
    public void upstreamAnswered() {
        long sent = upstreamSentAt;
        if (sent != 0) {
            upstreamNanos += System.nanoTime() - sent;
            upstreamSentAt = 0;
        }
    }

    /** Adds a header to the answer, whatever it turns out to be (success, error or stream), e.g. rate-limit state. */
    public synchronized void responseHeader(String name, String value) {
        if (responseHeaders == null) {
            responseHeaders = new java.util.LinkedHashMap<>(8);
        }
        responseHeaders.put(name, value);
    }

    /** A snapshot of the headers decided so far. */
    public synchronized java.util.Map<String, String> responseHeaders() {
        return responseHeaders == null ? java.util.Map.of() : new java.util.LinkedHashMap<>(responseHeaders);
    }

    public long upstreamNanos() {
        return upstreamNanos;
    }

    /** Fixes the gateway's own time so far: everything since arrival that was not upstream waiting. */
    public long freezeOverhead() {
        if (overheadNanos < 0) {
            overheadNanos = Math.max(0, System.nanoTime() - startNanos - upstreamNanos);
        }
        return overheadNanos;
    }
}
