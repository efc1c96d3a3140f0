package dev.tokenledger.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.http.RequestIds;
import dev.tokenledger.observability.AccessLog;
import dev.tokenledger.observability.Drain;
import dev.tokenledger.observability.GatewayMetrics;
import dev.tokenledger.observability.Tracing;

/**
 * First and last touch of every HTTP request: mints the request id (a client's own {@code x-request-id}, when it is
 * acceptable, is kept as a correlation attribute and echoed as {@code x-client-request-id}), refuses oversized bodies
 * before they are read, adds {@code x-tokenledger-overhead-ms} when the headers go out, counts the answer and writes
 * its access log line. While tracing is on, it attaches the request's trace (the HTTP server span Quarkus started from
 * the client's {@code traceparent}, if any) and answers its id in {@code x-trace-id}, errors included.
 */
@ApplicationScoped
public class HttpObservation {

    public static final String REQUEST_ID = "x-request-id";
    public static final String CLIENT_REQUEST_ID = "x-client-request-id";
    public static final String OVERHEAD = "x-tokenledger-overhead-ms";

    private final GatewayMetrics metrics;
    private final ApiFormats formats;
    private final GatewayConfig config;
    private final Drain drain;
    private final Tracing tracing;
    private final AccessLog accessLog;

    @Inject
    public HttpObservation(GatewayMetrics metrics, ApiFormats formats, GatewayConfig config, Drain drain,
            Tracing tracing, AccessLog accessLog) {
        this.tracing = tracing;
        this.accessLog = accessLog;
        this.metrics = metrics;
        this.formats = formats;
        this.config = config;
        this.drain = drain;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, 1000);
    }

    void handle(RoutingContext rc) {
        long start = System.nanoTime();
        String path = rc.normalizedPath();
        if (path.startsWith("/q/")) {
            rc.next();
            return;
        }
        // money and identity are keyed by an id the gateway mints: never by one a client chose (and may reuse)
        String clientId = rc.request().getHeader(REQUEST_ID);
        RequestContext ctx = RequestContext.attach(rc,
                new RequestContext(RequestIds.next(), start, RequestIds.acceptable(clientId) ? clientId : null));
        rc.response().putHeader(REQUEST_ID, ctx.requestId());
        if (ctx.clientRequestId() != null) {
            rc.response().putHeader(CLIENT_REQUEST_ID, ctx.clientRequestId());
        }
        if (tracing.enabled()) {
            String traceId = tracing.attach(ctx);
            if (traceId != null) {
                rc.response().putHeader(Tracing.TRACE_ID_HEADER, traceId);
            }
        }
        boolean inference = ApiFormats.isInferencePath(path);
        rc.addHeadersEndHandler(v -> {
            long overhead = ctx.freezeOverhead();
            rc.response().putHeader(OVERHEAD, millis(overhead));
            if (inference) {
                metrics.overhead(overhead);
            }
        });
        boolean logged = accessLog.enabled();
        rc.addEndHandler(v -> {
            int status = rc.response().getStatusCode();
            metrics.response(endpoint(path), status);
            if (logged) {
                accessLog.log(ctx, rc.request().method().name(), path, status);
            }
        });
        if (inference && rc.request().method() == HttpMethod.POST) {
            // Inference APIs answer in the shape their protocol defines (JSON or an event stream, chosen by the
            // request body), whatever the client's Accept header says; SDKs send Accept: application/json even
            // when they ask for a stream.
            rc.request().headers().set(HttpHeaders.ACCEPT, "*/*");
        }
        if (inference && drain.draining()) {
            rc.response().putHeader("Retry-After", "1");
            refuse(rc, path, GatewayError.of(ErrorKind.UNAVAILABLE,
                    "This gateway instance is shutting down; retry the request."));
            return;
        }
        if (inference && tooLarge(rc)) {
            refuse(rc, path, GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body exceeds the limit of "
                    + config.limits().maxBodySize().asLongValue() + " bytes."));
            return;
        }
        rc.next();
    }

    /** Answers before the body is read, and closes the connection so the unread body cannot be mistaken for a request. */
    private void refuse(RoutingContext rc, String path, GatewayError error) {
        rc.response().setStatusCode(error.httpStatus())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(io.vertx.core.buffer.Buffer.buffer(formats.renderError(path, error)));
    }

    /** Nanoseconds as milliseconds with three decimals, e.g. {@code 0.125}; cheaper than String.format per request. */
    static String millis(long nanos) {
        long micros = nanos / 1000;
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    private boolean tooLarge(RoutingContext rc) {
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > config.limits().maxBodySize().asLongValue();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String endpoint(String path) {
        if (path.startsWith("/v1/chat/")) {
            return "chat";
        }
        if (path.startsWith("/v1/embeddings")) {
            return "embeddings";
        }
        if (path.startsWith("/v1/models")) {
            return "models";
        }
        if (path.startsWith("/admin/")) {
            return "admin";
        }
        return ApiFormats.isInferencePath(path) ? "other" : "none";
    }
}
