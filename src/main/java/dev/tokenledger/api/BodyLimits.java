package dev.tokenledger.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;

/**
 * Bounds every request body before it is read: a body declared larger than its endpoint's limit is answered 413 at
 * once; a body without a declared length is counted while it streams in and answered 413 past that limit; and a body that is not complete
 * within {@code tokenledger.limits.body-read-timeout} of its headers (a trickle) is answered 408. Both answers come in
 * the endpoint's error shape and close the connection, so the unread rest of the body is never buffered. Limits:
 * {@code tokenledger.limits.max-body-size} on the inference endpoints (token counting included),
 * {@code tokenledger.limits.admin-max-body-size} on the admin API.
 */
@ApplicationScoped
public class BodyLimits {

    /** How often the length of a body of unknown length is checked while it streams in. */
    private static final long LENGTH_POLL_MS = 10;

    private final GatewayConfig.Limits limits;
    private final ApiFormats formats;
    private final Vertx vertx;

    @Inject
    public BodyLimits(GatewayConfig config, ApiFormats formats, Vertx vertx) {
        this.limits = config.limits();
        this.formats = formats;
        this.vertx = vertx;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, 990); // right after HttpObservation, before anything reads the body
    }

    void handle(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH
                || rc.request().isEnded()) {
            rc.next();
            return;
        }
        String path = rc.normalizedPath();
        long limit = limit(path);
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declared(length) > limit) {
            refuse(rc, path, GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE,
                    "The request body exceeds the limit of " + limit + " bytes."));
            return;
        }
        if (length == null) {
            watchLength(rc, path, limit);
        }
        long timeout = Math.max(1, limits.bodyReadTimeout().toMillis());
        long timer = vertx.setTimer(timeout, id -> {
            if (!rc.request().isEnded() && !rc.response().ended() && !rc.response().closed()
                    && !rc.response().headWritten()) {
                refuse(rc, path, GatewayError.of(ErrorKind.REQUEST_TIMEOUT, "The request body was not received within "
                        + limits.bodyReadTimeout().toSeconds() + " s."));
            }
        });
        rc.addEndHandler(v -> vertx.cancelTimer(timer));
        rc.next();
    }

    /**
     * A body of unknown length (chunked) is counted as it streams in and answered 413 in shape once past the limit.
     * The reader's own cut (an empty 413) stays as the hard bound, a little further (twice the limit, at least 1 MiB
     * more), for a client that gets past the limit between two counts.
     */
    private void watchLength(RoutingContext rc, String path, long limit) {
        rc.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, limit + Math.max(limit, 1 << 20));
        long poll = vertx.setPeriodic(LENGTH_POLL_MS, id -> {
            if (rc.request().isEnded() || rc.response().ended() || rc.response().closed()) {
                vertx.cancelTimer(id);
            } else if (rc.request().bytesRead() > limit) {
                vertx.cancelTimer(id);
                refuse(rc, path, GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE,
                        "The request body exceeds the limit of " + limit + " bytes."));
            }
        });
        rc.addEndHandler(v -> vertx.cancelTimer(poll));
    }

    /** The limit of an endpoint: the admin API's, or the inference endpoints' (also the bound of everything else). */
    long limit(String path) {
        return path.startsWith("/admin/")
                ? Math.min(limits.adminMaxBodySize().asLongValue(),
                        limits.maxBodySize().asLongValue())
                : limits.maxBodySize().asLongValue();
    }

    private static long declared(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not a length: refused like one past every limit
        }
    }

    /** Answers in the endpoint's error shape, then closes the connection: the rest of the body is not read. */
    private void refuse(RoutingContext rc, String path, GatewayError error) {
        try {
            if (!rc.response().headWritten()) {
                rc.response().setStatusCode(error.httpStatus())
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(Buffer.buffer(formats.renderError(path, error)))
                        .onComplete(done -> rc.request().connection().close());
                return;
            }
        } catch (IllegalStateException e) {
            // the body's reader answered at the same moment (its own cut) on a worker thread
        }
        rc.request().connection().close();
    }
}
