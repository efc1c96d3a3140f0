package dev.tokenledger.api;

import java.io.ByteArrayInputStream;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.config.LimitsConfig;

/**
 * Bounds every request body before it is read: a body declared larger than its endpoint's limit is answered 413 at
 * once; a body without a declared length (chunked) is read here, counted chunk by chunk as it arrives and answered 413
 * the moment it passes the limit (it never reaches the endpoint's reader, whose own cut would answer with an empty
 * body); and a body that is not complete within {@code tokenledger.limits.body-read-timeout} of its headers (a trickle)
 * is answered 408. Every answer comes in the endpoint's error shape (the admin API's on {@code /admin/}) and closes the
 * connection, so the unread rest of the body is never buffered. Limits: {@code tokenledger.limits.max-body-size} on the
 * inference endpoints (token counting included), {@code tokenledger.limits.admin-max-body-size} on the admin API.
 */
@ApplicationScoped
public class BodyLimits {

    /** The answer of a body being read by {@link #readUnknownLength}: set while it is read, for the 408 timer. */
    private static final String PENDING = "tokenledger.body-limits.pending";
    /** How long a refused connection is drained (the client's rest discarded) before it is closed. */
    private static final long DRAIN_MS = 1000;

    private final LimitsConfig limits;
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
        if (!hasBody(rc.request().method()) || rc.request().isEnded()) {
            rc.next();
            return;
        }
        String path = rc.normalizedPath();
        long limit = limit(path);
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declared(length) > limit) {
            refuse(rc, path, tooLarge(limit));
            return;
        }
        if (length == null) {
            // outer bound of any reader other than readUnknownLength's
            rc.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, limit);
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
     * Reads a body of unknown length (chunked) before the endpoint does, counting every chunk as it arrives: past the
     * endpoint's limit it is answered 413 in shape at once, the rest is discarded and the connection closed; complete,
     * it is handed to the endpoint as its entity. At most the limit is held per request.
     */
    @ServerRequestFilter(preMatching = true)
    public Uni<Response> readUnknownLength(ContainerRequestContext request, RoutingContext rc) {
        HttpServerRequest in = rc.request();
        if (!hasBody(in.method()) || in.isEnded() || in.getHeader(HttpHeaders.CONTENT_LENGTH) != null
                || rc.response().ended()) {
            return null;
        }
        String path = rc.normalizedPath();
        long limit = limit(path);
        return Uni.createFrom().emitter(emitter -> {
            Buffer body = Buffer.buffer();
            boolean[] done = new boolean[1];
            Consumer<GatewayError> answer = error -> {
                if (!done[0]) {
                    done[0] = true;
                    rc.remove(PENDING);
                    in.handler(chunk -> {
                        // the rest of a refused body is not wanted
                    });
                    drainThenClose(rc);
                    emitter.complete(errorResponse(path, error));
                }
            };
            rc.put(PENDING, answer);
            in.handler(chunk -> {
                if (done[0]) {
                    return;
                }
                if ((long) body.length() + chunk.length() > limit) {
                    answer.accept(tooLarge(limit));
                } else {
                    body.appendBuffer(chunk);
                }
            });
            in.endHandler(v -> {
                if (!done[0]) {
                    done[0] = true;
                    rc.remove(PENDING);
                    request.setEntityStream(new ByteArrayInputStream(body.getBytes()));
                    emitter.complete(null);
                }
            });
            in.exceptionHandler(failure -> {
                if (!done[0]) {
                    done[0] = true;
                    rc.remove(PENDING);
                    emitter.fail(failure);
                }
            });
            in.resume();
        });
    }

    /** The limit of an endpoint: the admin API's, or the inference endpoints' (also the bound of everything else). */
    long limit(String path) {
        return path.startsWith("/admin/")
                ? Math.min(limits.adminMaxBodySize().asLongValue(),
                        limits.maxBodySize().asLongValue())
                : limits.maxBodySize().asLongValue();
    }

    private static boolean hasBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    private static GatewayError tooLarge(long limit) {
        return GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body exceeds the limit of " + limit + " bytes.");
    }

    private static long declared(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not a length: refused like one past every limit
        }
    }

    private Response errorResponse(String path, GatewayError error) {
        return Response.status(formats.errorStatus(path, error)).type("application/json")
                .header(HttpHeaders.CONNECTION.toString(), "close").entity(formats.renderError(path, error)).build();
    }

    /**
     * Answers in the endpoint's error shape, then closes the connection: the rest of the body is not read. A body being
     * read by {@link #readUnknownLength} is answered through it.
     */
    private void refuse(RoutingContext rc, String path, GatewayError error) {
        Consumer<GatewayError> pending = rc.get(PENDING);
        if (pending != null) {
            pending.accept(error);
            return;
        }
        try {
            if (!rc.response().headWritten()) {
                rc.request().handler(chunk -> {
                    // the rest of a refused body is not wanted
                });
                drainThenClose(rc);
                rc.response().setStatusCode(formats.errorStatus(path, error))
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(Buffer.buffer(formats.renderError(path, error)));
                return;
            }
        } catch (IllegalStateException e) {
            // the body's reader answered at the same moment on a worker thread
        }
        rc.request().connection().close();
    }

    /**
     * Closes the connection once the answer is out, after the client stopped sending or {@link #DRAIN_MS} at most:
     * closing while unread data waits makes the kernel reset the connection, which can destroy the answer before the
     * client read it.
     */
    private void drainThenClose(RoutingContext rc) {
        HttpServerRequest in = rc.request();
        rc.addEndHandler(ended -> {
            long timer = vertx.setTimer(DRAIN_MS, id -> in.connection().close());
            if (in.isEnded()) {
                vertx.cancelTimer(timer);
                in.connection().close();
            } else {
                in.endHandler(v -> {
                    vertx.cancelTimer(timer);
                    in.connection().close();
                });
            }
        });
        in.resume();
    }
}
