package dev.tokenledger.provider;

import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.UpstreamLimits;

/**
 * The HTTP client of one provider: Vert.x clients with keep-alive connection pools, one per event loop. Maps transport
 * failures and non-2xx answers to {@link GatewayError}s whose messages are safe to show (secrets redacted).
 *
 * <p>
 * Vert.x's client pool hands an exchange any idle connection, whatever event loop owns it: a request served on one
 * loop then writes through, and reads its answer on, another, and every exchange wakes a second thread twice. A pool
 * per loop keeps each exchange on the loop of the request it serves, as a verticle per loop would.
 */
public final class UpstreamHttp {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    /** The pool of callers on no event loop (start-up, worker threads). */
    private final HttpClient client;
    /** One pool per event-loop thread: as many as the loops, whatever the traffic. */
    private final Map<Thread, HttpClient> loops = new java.util.concurrent.ConcurrentHashMap<>();
    private final long idleTimeoutMs;
    private final Redactor redactor;
    /** Parsed URLs kept at most. */
    private static final int MAX_ENDPOINTS = 256;

    private final Map<String, Endpoint> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

    public UpstreamHttp(Vertx vertx, ProviderSettings settings) {
        HttpClientOptions options = new HttpClientOptions()
                // no automatic client spans: the pipeline traces each attempt and sends its traceparent itself
                .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE)
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setKeepAliveTimeout(60)
                .setName("upstream-" + settings.id());
        this.vertx = vertx;
        this.options = options;
        this.pool = new PoolOptions().setHttp1MaxSize(perLoop(settings.maxConnections(), vertx));
        this.client = vertx.createHttpClient(options, pool);
        this.idleTimeoutMs = settings.timeout().toMillis();
        this.redactor = new Redactor(settings.apiKey().orElse(null), settings.baseUrl().orElse(null));
    }

    /**
     * Posts a body and reads the complete answer, without looking for rate-limit headers.
     *
     * @param errorMessage reads the human message out of an error body of the upstream's format
     */
    public Uni<UpstreamReply> post(String url, Map<String, String> headers, byte[] body,
            Function<byte[], String> errorMessage) {
        return post(url, headers, body, errorMessage, null);
    }

    /**
     * Posts a body and reads the complete answer.
     *
     * @param errorMessage reads the human message out of an error body of the upstream's format
     * @param limits reads the rate-limit headers of the upstream's format, or null when it sends none
     */
    public Uni<UpstreamReply> post(String url, Map<String, String> headers, byte[] body,
            Function<byte[], String> errorMessage, UpstreamLimits.Reader limits) {
        return exchange(HttpMethod.POST, url, headers, body, whole(errorMessage, limits));
    }

    /** Reads the complete answer: a 2xx one is the reply, any other fails with its error. */
    private OnResponse<UpstreamReply> whole(Function<byte[], String> errorMessage, UpstreamLimits.Reader limits) {
        return (request, response, emitter) -> response.body().onComplete(bar -> {
            if (bar.failed()) {
                emitter.fail(transportError(bar.cause()));
            } else if (response.statusCode() / 100 != 2) {
                emitter.fail(statusError(response, bar.result().getBytes(), errorMessage));
            } else {
                emitter.complete(new UpstreamReply(response.statusCode(), bar.result().getBytes(),
                        response.getHeader("x-request-id"), limits(limits, response)));
            }
        });
    }

    /** Opens a stream, without looking for rate-limit headers. */
    public Uni<UpstreamStream> postStream(String url, Map<String, String> headers, byte[] body,
            Function<byte[], String> errorMessage) {
        return postStream(url, headers, body, errorMessage, null);
    }

    /**
     * Posts a body and opens the answer as a stream once the upstream accepted it with a 2xx status. A non-2xx answer
     * is read whole and fails the returned Uni.
     *
     * @param limits reads the rate-limit headers of the upstream's format, or null when it sends none
     */
    public Uni<UpstreamStream> postStream(String url, Map<String, String> headers, byte[] body,
            Function<byte[], String> errorMessage, UpstreamLimits.Reader limits) {
        return exchange(HttpMethod.POST, url, headers, body, (request, response, emitter) -> {
            if (response.statusCode() / 100 != 2) {
                response.body().onComplete(bar -> emitter.fail(bar.failed()
                        ? transportError(bar.cause())
                        : statusError(response, bar.result().getBytes(), errorMessage)));
                return;
            }
            response.pause();
            Multi<byte[]> chunks = io.vertx.mutiny.core.http.HttpClientResponse.newInstance(response).toMulti()
                    .map(io.vertx.mutiny.core.buffer.Buffer::getBytes)
                    .onFailure().transform(this::transportError)
                    .onCancellation().invoke(() -> {
                        // the subscriber is gone: the reset's own failure has nobody to go to
                        response.exceptionHandler(ignored -> {
                        });
                        request.reset();
                    });
            emitter.complete(new UpstreamStream(response.statusCode(), chunks, response.getHeader("x-request-id"),
                    limits(limits, response)));
        });
    }

    /** A GET of a JSON document (a model list): its complete 2xx answer, else a {@link GatewayError}. */
    public Uni<UpstreamReply> get(String url, Map<String, String> headers, Function<byte[], String> errorMessage) {
        return exchange(HttpMethod.GET, url, headers, null, whole(errorMessage, null));
    }

    private static UpstreamLimits limits(UpstreamLimits.Reader reader, HttpClientResponse response) {
        return reader == null ? null : reader.read(response::getHeader, System.currentTimeMillis());
    }

    /** What to do with the upstream's answer once its status and headers arrived. */
    @FunctionalInterface
    private interface OnResponse<T> {
        void accept(HttpClientRequest request, HttpClientResponse response,
                io.smallrye.mutiny.subscription.UniEmitter<? super T> emitter);
    }

    /** Opens a request, sends the body, and hands the answer over; transport failures fail the Uni. */
    private <T> Uni<T> exchange(HttpMethod method, String url, Map<String, String> headers, byte[] body,
            OnResponse<T> onResponse) {
        AtomicReference<HttpClientRequest> exchange = new AtomicReference<>();
        return resetOnCancel(
                Uni.createFrom().<T>emitter(emitter -> client().request(options(method, url, headers)).onComplete(ar -> {
                    if (ar.failed()) {
                        emitter.fail(transportError(ar.cause()));
                        return;
                    }
                    HttpClientRequest request = ar.result();
                    exchange.set(request);
                    (body == null ? request.send() : request.send(Buffer.buffer(body))).onComplete(rar -> {
                        if (rar.failed()) {
                            emitter.fail(transportError(rar.cause()));
                        } else {
                            onResponse.accept(request, rar.result(), emitter);
                        }
                    });
                })), exchange);
    }

    /**
     * Drops the upstream exchange when the caller cancels before the answer is complete (e.g. the client went away),
     * so the provider stops generating.
     */
    private static <T> Uni<T> resetOnCancel(Uni<T> uni, AtomicReference<HttpClientRequest> request) {
        return uni.onCancellation().invoke(() -> {
            HttpClientRequest r = request.get();
            if (r != null) {
                r.reset();
            }
        });
    }

    private RequestOptions options(HttpMethod method, String url, Map<String, String> headers) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(h::set);
        // parsed URLs are kept for the configured endpoints; a URL that holds a client-named model (Gemini's) may be one
        // of countless others, and is parsed per request past the bound
        Endpoint endpoint = endpoints.get(url);
        if (endpoint == null) {
            endpoint = Endpoint.parse(url);
            if (endpoints.size() < MAX_ENDPOINTS) {
                endpoints.put(url, endpoint);
            }
        }
        return new RequestOptions()
                .setMethod(method)
                .setHost(endpoint.host)
                .setPort(endpoint.port)
                .setSsl(endpoint.ssl)
                .setURI(endpoint.path)
                .setHeaders(h)
                .setIdleTimeout(idleTimeoutMs);
    }

    /** A parsed upstream URL, so the hot path does not parse URLs per request. */
    private record Endpoint(String host, int port, boolean ssl, String path) {
        static Endpoint parse(String url) {
            java.net.URI uri = java.net.URI.create(url);
            boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
            int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            return new Endpoint(uri.getHost(), port, ssl, path);
        }
    }

    /** A non-2xx answer as an error, with the upstream's {@code Retry-After} when it sent one. */
    private GatewayError statusError(HttpClientResponse response, byte[] body, Function<byte[], String> errorMessage) {
        return statusError(response.statusCode(), body, errorMessage).withRetryAfter(RetryAfter.parse(
                response.getHeader("retry-after-ms"), response.getHeader("Retry-After"), java.time.Instant.now()));
    }

    private GatewayError statusError(int status, byte[] body, Function<byte[], String> errorMessage) {
        String message = null;
        try {
            message = errorMessage.apply(body);
        } catch (RuntimeException e) {
            // an unreadable error body leaves the generic message below
        }
        message = message == null ? null : redactor.redact(message);
        if (status == 429) {
            return GatewayError.upstream(ErrorKind.UPSTREAM_RATE_LIMITED, status,
                    message != null ? message : "The upstream provider is rate limiting requests.", "upstream_rate_limited");
        }
        if (status == 408) {
            return GatewayError.upstream(ErrorKind.UPSTREAM_TIMEOUT, status, "The upstream provider timed out.",
                    "upstream_timeout");
        }
        if (status >= 400 && status < 500) {
            return GatewayError.upstream(ErrorKind.UPSTREAM_CLIENT_ERROR, status,
                    message != null ? message : "The upstream provider rejected the request (HTTP " + status + ").", null);
        }
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, status,
                "The upstream provider failed (HTTP " + status + ")" + (message != null ? ": " + message : "."),
                "upstream_error");
    }

    /** Maps a transport failure; a {@link GatewayError} passes unchanged. */
    public GatewayError transportError(Throwable t) {
        if (t instanceof GatewayError g) {
            return g;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
                return GatewayError.upstream(ErrorKind.UPSTREAM_TIMEOUT, 0, "The upstream provider did not answer in time.",
                        "upstream_timeout");
            }
            if (c instanceof ConnectException) {
                return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream provider could not be reached.",
                        "upstream_unreachable");
            }
            if (c instanceof HttpClosedException) {
                return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0,
                        "The upstream provider closed the connection unexpectedly.", "upstream_connection_closed");
            }
        }
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream provider connection failed.",
                "upstream_connection_failed");
    }

    /** The pool of the calling event loop, or the shared one off the loops. */
    private HttpClient client() {
        if (!io.vertx.core.Context.isOnEventLoopThread()) {
            return client;
        }
        return loops.computeIfAbsent(Thread.currentThread(), loop -> vertx.createHttpClient(options, pool));
    }

    /** The connections each loop's pool may hold: the provider's {@code max-connections} shared by the loops. */
    private static int perLoop(int maxConnections, Vertx vertx) {
        int eventLoops = 0;
        for (var ignored : ((io.vertx.core.impl.VertxInternal) vertx).getEventLoopGroup()) {
            eventLoops++;
        }
        return Math.max(1, (maxConnections + eventLoops - 1) / Math.max(1, eventLoops));
    }

    public void close() {
        client.close();
        loops.values().forEach(HttpClient::close);
    }
}
