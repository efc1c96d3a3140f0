package dev.tokenledger.gateway;

import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Multi;

/**
 * What the pipeline answers a client with: a status, headers and a body that is one item (JSON) or a stream.
 */
public record ClientResponse(int status, Map<String, List<String>> headers, Multi<byte[]> body) {

    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));
    private static final Map<String, List<String>> SSE = Map.of("Content-Type", List.of("text/event-stream; charset=utf-8"),
            "Cache-Control", List.of("no-cache"), "X-Accel-Buffering", List.of("no"));

    public static ClientResponse json(int status, byte[] body) {
        return new ClientResponse(status, JSON, Multi.createFrom().item(body));
    }

    /** A JSON answer with extra headers (e.g. the request's cost). */
    public static ClientResponse json(int status, byte[] body, Map<String, String> extraHeaders) {
        if (extraHeaders.isEmpty()) {
            return json(status, body);
        }
        Map<String, List<String>> headers = new java.util.HashMap<>(JSON);
        extraHeaders.forEach((k, v) -> headers.put(k, List.of(v)));
        return new ClientResponse(status, headers, Multi.createFrom().item(body));
    }

    public static ClientResponse eventStream(Multi<byte[]> events) {
        return new ClientResponse(200, SSE, events);
    }
}
