package dev.tokenledger.provider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The non-blocking HTTP client of logins and token refreshes: form posts and GETs to OAuth and token-exchange
 * endpoints, answered with their status and body as they are (the caller decides what an error means).
 */
public final class AuthHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its status and JSON body ({@link MissingNode} when the body is not JSON). */
    public record Answer(int status, JsonNode json) {

        public String text(String field) {
            JsonNode node = json.path(field);
            return node.isValueNode() && !node.isNull() ? node.asText() : null;
        }

        @Override
        public String toString() {
            return "Answer[" + status + "]";
        }
    }

    private final HttpClient client;
    private final long timeoutMs;

    public AuthHttp(Vertx vertx, Duration timeout) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout((int) timeout.toMillis()).setName("auth"));
        this.timeoutMs = timeout.toMillis();
    }

    /** Posts an {@code application/x-www-form-urlencoded} body, accepting JSON. */
    public Uni<Answer> form(String url, Map<String, String> headers, Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((name, value) -> {
            if (value != null) {
                body.add(encode(name) + "=" + encode(value));
            }
        });
        MultiMap h = MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/x-www-form-urlencoded")
                .set("Accept", "application/json");
        headers.forEach(h::set);
        return send(HttpMethod.POST, url, h, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Posts a JSON body, accepting JSON. */
    public Uni<Answer> json(String url, Map<String, String> headers, JsonNode body) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json")
                .set("Accept", "application/json");
        headers.forEach(h::set);
        try {
            return send(HttpMethod.POST, url, h, JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** A GET accepting JSON. */
    public Uni<Answer> get(String url, Map<String, String> headers) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().set("Accept", "application/json");
        headers.forEach(h::set);
        return send(HttpMethod.GET, url, h, null);
    }

    private Uni<Answer> send(HttpMethod method, String url, MultiMap headers, byte[] body) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setHeaders(headers)
                .setIdleTimeout(timeoutMs);
        return Uni.createFrom().<Answer>emitter(emitter -> client.request(options)
                .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(b -> new Answer(response.statusCode(), parse(b.getBytes()))))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        emitter.complete(ar.result());
                    } else {
                        emitter.fail(ar.cause());
                    }
                }));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : JSON.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (java.io.IOException e) {
            return MissingNode.getInstance();
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public void close() {
        client.close();
    }
}
