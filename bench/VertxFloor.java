import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The floor of the gateway's stack: a bare reverse proxy on the Vert.x and Netty the gateway ships (run with the jars of
 * its build), as many event loops as Quarkus gives the gateway, keep-alive to the upstream. It reads the client's
 * request whole, sends it on with its content type and authorization, and answers with the upstream's status, content
 * type and body, as the gateway's pass-through does, and does nothing else: no keys, routing, metering or ledger. What
 * it costs per request is what any gateway on this stack pays before its own work.
 * <p>
 * Usage: {@code java -cp '<quarkus-app>/lib/main/*' bench/VertxFloor.java PORT UPSTREAM_HOST UPSTREAM_PORT}
 */
public final class VertxFloor extends AbstractVerticle {

    private final String upstreamHost;
    private final int upstreamPort;
    private final int port;
    private HttpClient client;

    private VertxFloor(int port, String upstreamHost, int upstreamPort) {
        this.port = port;
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        String host = args[1];
        int upstreamPort = Integer.parseInt(args[2]);
        Vertx vertx = Vertx.vertx();
        // Quarkus' default: two event loops a core
        int loops = 2 * Runtime.getRuntime().availableProcessors();
        vertx.deployVerticle(() -> new VertxFloor(port, host, upstreamPort), new DeploymentOptions().setInstances(loops))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public void start() {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(this::proxy)
                .listen();
    }

    private void proxy(HttpServerRequest request) {
        if ("/health".equals(request.path())) {
            request.response().end("ok");
            return;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copy(request.headers(), headers, HttpHeaders.CONTENT_TYPE);
        copy(request.headers(), headers, HttpHeaders.AUTHORIZATION);
        copy(request.headers(), headers, HttpHeaders.ACCEPT);
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(upstreamHost)
                .setPort(upstreamPort).setURI(request.uri()).setHeaders(headers);
        request.body()
                .compose(body -> client.request(options).compose(upstream -> upstream.send(body)))
                .compose(answer -> answer.body().onSuccess(body -> {
                    String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
                    if (type != null) {
                        request.response().putHeader(HttpHeaders.CONTENT_TYPE, type);
                    }
                    request.response().setStatusCode(answer.statusCode()).end(body);
                }))
                .onFailure(failure -> request.response().setStatusCode(502).end());
    }

    private static void copy(MultiMap from, MultiMap to, CharSequence name) {
        String value = from.get(name);
        if (value != null) {
            to.set(name, value);
        }
    }
}
